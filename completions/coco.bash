# bash completion for coco. Every candidate comes from `coco __complete`, so this script never
# needs to change when commands do. Install: `coco completion bash > /etc/bash_completion.d/coco`.
#
# bash splits the word being completed at the characters of COMP_WORDBREAKS (":" and "=" among
# them) and replaces only the last piece, with or without Debian's bash-completion loaded. The
# words are therefore re-read from the command line up to the cursor, coco is asked about the
# whole word ("--mode snp:o", "--output=y"), and each candidate loses the part bash keeps.
_coco_complete() {
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words=()
    read -ra words <<<"$line"
    local cur=""
    if [[ $line != *[[:space:]] ]] && ((${#words[@]} > 1)); then
        cur=${words[${#words[@]}-1]}
        unset 'words[${#words[@]}-1]'
    fi
    local piece=${COMP_WORDS[COMP_CWORD]}
    local keep=""
    [[ $cur == *"$piece" ]] && keep=${cur%"$piece"}
    local out directive
    out=$("${words[0]}" __complete "${words[@]:1}" "$cur" 2>/dev/null) || return
    directive=${out##*:}
    out=${out%:*}
    local -a cands=()
    local l nospace=0
    while IFS= read -r l; do
        [[ -n $l ]] && cands+=("${l%%$'\t'*}")
    done <<<"$out"
    if ((${#cands[@]} == 0)) && ! ((directive & 4)); then
        # File names, also after "--flag=" and after a transport (oci:DIR, dir:DIR, archives).
        local prefix="" value=$cur f
        if [[ $cur == -*=* ]]; then
            prefix=${cur%%=*}=
        elif [[ $cur =~ ^(oci|dir|docker-archive|oci-archive): ]]; then
            prefix=${BASH_REMATCH[0]}
        fi
        value=${cur#"$prefix"}
        while IFS= read -r f; do
            [[ -z $f ]] && continue
            if [[ -d $f ]]; then
                f+=/
                nospace=1
            fi
            cands+=("$prefix$f")
        done < <(compgen -f -- "$value")
    fi
    COMPREPLY=()
    local c
    for c in "${cands[@]}"; do COMPREPLY+=("${c#"$keep"}"); done
    if ((directive & 2)) || ((nospace)); then compopt -o nospace 2>/dev/null; fi
    return 0
}
complete -F _coco_complete coco
complete -F _coco_complete kubectl-coco
