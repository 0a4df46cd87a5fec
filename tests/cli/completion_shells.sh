#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Shell completion tried for real: an interactive bash (without and with Debian's bash-completion),
# zsh and fish each run in a tmux pane; keys are typed with send-keys, TAB pressed, and the line
# read back with capture-pane. Usage: completion_shells.sh PATH/TO/coco
# Exit 77 (skipped) when tmux or a shell is missing outside CI; under CI (CI set) that fails.
set -uo pipefail
coco=${1:?usage: completion_shells.sh PATH/TO/coco}
src=$(cd "$(dirname "$0")/../.." && pwd)

missing=()
for tool in tmux bash zsh fish; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -f /usr/share/bash-completion/bash_completion ]] || missing+=(bash-completion)
if ((${#missing[@]})); then
  echo "completion_shells: SKIPPED: ${missing[*]} not installed (.ci/install-deps installs them)"
  [[ -n ${CI:-} ]] && exit 1
  exit 77
fi

work=$(mktemp -d)
sock="coco-completion-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/bin" "$work/files/layout-only" "$work/home"
ln -s "$(realpath "$coco")" "$work/bin/coco"
: >"$work/files/OVMF_unique.fd"
f=$work/files
failures=0

# Starts SHELL_CMD in a fresh pane; the prompt is "$ ".
starts=0
start() {
  tmux -L "$sock" kill-server 2>/dev/null
  starts=$((starts + 1))
  sock="coco-completion-$$-$starts"  # a fresh server: the old one may still be shutting down
  tmux -L "$sock" -f /dev/null new-session -d -x 250 -y 40 \
    "env -i HOME=$work/home TERM=xterm PATH=$work/bin:/usr/bin:/bin $1"
  local i  # wait for the prompt: loading bash-completion takes a while on a busy machine
  for ((i = 0; i < 60; i++)); do
    # the prompt line is "$" alone: capture-pane drops the blank after it
    tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q '^\$' && break
    sleep 0.5
  done
  sleep 0.5
}
type_keys() { tmux -L "$sock" send-keys -l -- "$1"; }
line() {  # the last line that holds the prompt
  tmux -L "$sock" capture-pane -p -J | grep -F '$ ' | tail -n 1 | sed 's/[[:space:]]*$//'
}
# check NAME TYPED EXPECTED: types TYPED, presses TAB, expects the line "$ EXPECTED".
check() {
  local name=$1 typed=$2 want=$3 got i
  want=${want%" "}  # capture-pane drops trailing blanks
  type_keys "$typed"
  for ((i = 0; i < 50; i++)); do  # the typed text is on screen
    got=$(line); got=${got#*\$ }
    [[ $got == "$typed" || $got == "${typed%" "}" ]] && break
    sleep 0.1
  done
  tmux -L "$sock" send-keys Tab
  for ((i = 0; i < 60; i++)); do  # the completion, or 6 s without it
    sleep 0.1
    got=$(line); got=${got#*\$ }
    [[ $got == "$want" ]] && break
  done
  if [[ $got == "$want" ]]; then
    echo "ok   $name: '$typed<TAB>' -> '$got'"
  else
    echo "FAIL $name: '$typed<TAB>' -> '$got', want '$want'"
    tmux -L "$sock" capture-pane -p | tail -n 5 | sed 's/^/     | /'
    failures=$((failures + 1))
  fi
  tmux -L "$sock" send-keys C-e C-u
  sleep 0.3
}

cases() {  # the cases every shell must complete alike; $1 names the shell
  check "$1 command" "coco vers" "coco version "
  check "$1 help" "coco help ima" "coco help image "
  check "$1 value with ':'" "coco measure snp --mode snp:o" "coco measure snp --mode snp:ovmf-hash "
  check "$1 --flag=value" "coco version --output=y" "coco version --output=yaml "
  check "$1 oci:DIR" "coco image hash oci:$f/layout-o" "coco image hash oci:$f/layout-only/"
}

for with_bc in no yes; do
  rc="$work/bashrc-$with_bc"
  {
    echo "PS1='\$ '"
    [[ $with_bc == yes ]] && echo "source /usr/share/bash-completion/bash_completion"
    echo "source $src/completions/coco.bash"
  } >"$rc"
  start "bash --noprofile --rcfile $rc -i"
  cases "bash (bash-completion: $with_bc)"
  check "bash (bash-completion: $with_bc) --flag=FILE" "coco measure snp --ovmf=$f/OVMF_u" \
    "coco measure snp --ovmf=$f/OVMF_unique.fd "
  check "bash (bash-completion: $with_bc) --flag FILE" "coco measure snp --ovmf $f/OVMF_u" \
    "coco measure snp --ovmf $f/OVMF_unique.fd "
done

cat >"$work/.zshrc" <<ZSH
PROMPT='\$ '
fpath=($src/completions \$fpath)
autoload -U compinit && compinit -u -d $work/zcompdump
ZSH
start "env ZDOTDIR=$work zsh -i"
cases zsh
check "zsh --flag=FILE" "coco measure snp --ovmf=$f/OVMF_u" "coco measure snp --ovmf=$f/OVMF_unique.fd "

mkdir -p "$work/home/.config/fish"
cat >"$work/home/.config/fish/config.fish" <<FISH
function fish_prompt; echo -n '\$ '; end
set -g fish_autosuggestion_enabled 0
source $src/completions/coco.fish
FISH
start "fish -i"
cases fish
check "fish --flag=FILE" "coco measure snp --ovmf=$f/OVMF_u" "coco measure snp --ovmf=$f/OVMF_unique.fd "

if ((failures)); then
  echo "completion_shells: $failures case(s) failed"
  exit 1
fi
echo "completion_shells: all cases passed"
