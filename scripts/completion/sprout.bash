# bash completion for sprout(1); `make install` puts it in
# $(PREFIX)/share/bash-completion/completions/sprout.
_sprout() {
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="build ls cat info diff extract pxe rank analyze image help"
	if [ "$COMP_CWORD" = 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$commands --help --version -V" -- "$cur")
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--kver)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /lib/modules 2>/dev/null)" -- "$cur")
		return ;;
	--compress)
		mapfile -t COMPREPLY < <(compgen -W "zstd gzip xz lz4 none" -- "$cur")
		return ;;
	--with)
		mapfile -t COMPREPLY < <(compgen -W "luks lvm md fsck" -- "$cur")
		return ;;
	--module-compress)
		mapfile -t COMPREPLY < <(compgen -W "xz none" -- "$cur")
		return ;;
	--module-cache)
		mapfile -t COMPREPLY < <(compgen -d -W "none" -- "$cur")
		return ;;
	--moddir | --sysfs | --firmware-dir | --out)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	--as)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-o | --output | --mounts | --crypttab | --config | --image | --kernel | --svg | --shell | --add-binary | --include)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	local opts=""
	case $cmd in
	build) opts="--kver --moddir -o --output --generic --host-only --sysfs --mounts --crypttab
		--firmware-dir --compress --add-modules --add-binary --shell --cmdline --init --with
		--include --config --proc --devices-conf --hook --modprobe-conf --cpuinfo
		--no-microcode --no-fsck --list-modules --module-compress --module-cache
		-v --verbose -q --quiet --help" ;;
	ls) opts="-l --long --help" ;;
	pxe) opts="--image --kernel --cmdline --out --help" ;;
	analyze) opts="--json --svg --top --help" ;;
	image)
		if [ "$COMP_CWORD" = 2 ]; then
			mapfile -t COMPREPLY < <(compgen -W "build publish --help" -- "$cur")
			return
		fi
		case ${COMP_WORDS[2]} in
		build) opts="-o --output --squashfs --erofs --help" ;;
		publish) opts="--as --help" ;;
		esac ;;
	help) opts=$commands ;;
	*) opts="--help" ;;
	esac
	if [[ $cur == -* ]] || [ "$cmd" = help ]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}
complete -o filenames -F _sprout sprout
