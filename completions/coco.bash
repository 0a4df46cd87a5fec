# bash completion for coco. Every candidate comes from `coco __complete`, so this script never
# needs to change when commands do. Install: `coco completion bash > /etc/bash_completion.d/coco`.
_coco_complete() {
    local cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    local out directive
    out=$("${words[0]}" __complete "${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return
    directive=${out##*:}
    out=${out%:*}
    COMPREPLY=()
    local line
    while IFS= read -r line; do
        [[ -n $line ]] && COMPREPLY+=("${line%%$'\t'*}")
    done <<<"$out"
    if [[ $cur == *=* && ${#COMPREPLY[@]} -gt 0 ]]; then
        # bash treats "=" as a word break: offer only the part after it.
        local i
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#*=}; done
    fi
    if ((${#COMPREPLY[@]} == 0)) && ! ((directive & 4)); then
        COMPREPLY=($(compgen -f -- "${cur#*=}"))
        compopt -o filenames 2>/dev/null
    fi
    if ((directive & 2)); then compopt -o nospace 2>/dev/null; fi
    return 0
}
complete -F _coco_complete coco
complete -F _coco_complete kubectl-coco
