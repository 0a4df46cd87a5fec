# fish completion for coco. Every candidate comes from `coco __complete`.
# Install: `coco completion fish > ~/.config/fish/completions/coco.fish`.
function __coco_candidates
    set -l tokens (commandline -opc)
    command -q $tokens[1]; or test -x $tokens[1]; or return 1
    set -l out ($tokens[1] __complete $tokens[2..-1] (commandline -ct) 2>/dev/null)
    or return
    for line in $out[1..-2]
        test -n "$line"; and echo $line
    end
    # File names after a transport (oci:DIR, dir:DIR, archives); fish itself handles --flag=.
    set -l directive (string replace ':' '' -- $out[-1])
    if test (count $out) -le 1; and test (math "bitand($directive, 4)") -eq 0
        set -l token (commandline -ct)
        set -l prefix (string match -r '^(?:oci|dir|docker-archive|oci-archive):' -- $token)
        if test -n "$prefix"
            for path in (__fish_complete_path (string replace -- $prefix '' $token))
                echo $prefix$path
            end
        end
    end
end

function __coco_wants_files
    set -l tokens (commandline -opc)
    command -q $tokens[1]; or test -x $tokens[1]; or return 1
    set -l out ($tokens[1] __complete $tokens[2..-1] (commandline -ct) 2>/dev/null)
    or return 1
    set -l directive (string replace ':' '' -- $out[-1])
    test (count $out) -le 1; and test (math "bitand($directive, 4)") -eq 0
end

complete -c coco -f -a '(__coco_candidates)'
complete -c coco -n __coco_wants_files -F
complete -c kubectl-coco -w coco
