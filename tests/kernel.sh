# shellcheck shell=bash
# The test kernel, read in one place for tests/run.sh and tests/e2e/lib.sh (sourced by both).
# kernel_env REPO: sets KVER, KERNEL and MODDIR from REPO/scripts/test-kernel.sh --env
# --no-fetch (it never downloads) and checks that the kernel and its modules.dep are there.
# False, with the reason in KERNEL_WHY, when there is no usable test kernel.
kernel_env() {
	local line out
	KERNEL_WHY=
	KVER='' KERNEL='' MODDIR=''
	if ! out=$("$1/scripts/test-kernel.sh" --env --no-fetch 2>&1); then
		KERNEL_WHY=${out:-scripts/test-kernel.sh printed nothing}
		return 1
	fi
	while IFS= read -r line; do
		case $line in
		KVER=*) KVER=${line#KVER=} ;;
		KERNEL=*) KERNEL=${line#KERNEL=} ;;
		MODDIR=*) MODDIR=${line#MODDIR=} ;;
		esac
	done <<<"$out"
	kernel_env_check
}

# kernel_env_check: KVER, KERNEL and MODDIR (however they were set) name a usable kernel.
kernel_env_check() {
	if [ -z "${KVER:-}" ] || [ ! -f "${KERNEL:-}" ] || [ ! -f "${MODDIR:-}/modules.dep" ]; then
		KERNEL_WHY="KVER=${KVER:-} KERNEL=${KERNEL:-} MODDIR=${MODDIR:-}: no kernel file or no modules.dep"
		return 1
	fi
}
