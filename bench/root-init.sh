#!/bin/busybox sh
# /sbin/init of the bench's root disk. Its first act is the marker that ends the measured
# "initramfs phase": a line written to /dev/kmsg, so the kernel's clock stamps it, as it
# stamped "Run /init as init process". Only shell builtins run before it (no fork, no exec).
# Then it reports, on the console, what the bench reads: the kernel log (busybox dmesg, with
# the kernel's timestamps), the memory the old initramfs may still hold, the bytes its
# network interfaces received, and, when the
# command line says bench.sysdump, the machine's device modaliases (the "host" of a
# host-only image built for this machine). Then it powers off.
[ -c /dev/kmsg ] || /bin/busybox mount -t devtmpfs devtmpfs /dev
echo "<5>BENCH-ROOT: marker" >/dev/kmsg
bb=/bin/busybox
exec </dev/console >/dev/console 2>&1
[ -r /proc/meminfo ] || $bb mount -t proc proc /proc
[ -d /sys/devices ] || $bb mount -t sysfs sysfs /sys
# After the handover the initramfs is unreachable; if its files were left behind they still
# take RAM. With root= on the command line the kernel's rootfs is ramfs, whose pages are
# counted as Unevictable (tmpfs pages would show in Shmem).
mem() { $bb awk -v k="$1" '$1 == k ":" { print $2 }' /proc/meminfo; }
echo "BENCH-MEM: Unevictable=$(mem Unevictable) Shmem=$(mem Shmem) MemFree=$(mem MemFree) MemTotal=$(mem MemTotal)"
# what the machine received until now (bench/image.sh): every interface but lo, DHCP included
rx=0
for f in /sys/class/net/*/statistics/rx_bytes; do
	case $f in */lo/*) continue ;; esac
	[ -r "$f" ] && read -r n <"$f" && rx=$((rx + n))
done
echo "BENCH-NET: rx_bytes=$rx"
echo "BENCH-DEV: $($bb ls /dev | $bb wc -l) entries in /dev; mounts: $($bb awk '{ printf "%s:%s ", $2, $3 }' /proc/mounts)"
case " $($bb cat /proc/cmdline) " in
*" bench.sysdump "*)
	$bb find /sys/devices -name modalias -type f | while read -r f; do
		echo "BENCH-SYS: ${f#/sys/} $($bb cat "$f" 2>/dev/null)"
	done
	;;
esac
echo "BENCH-DMESG-BEGIN"
$bb dmesg
echo "BENCH-DMESG-END"
exec $bb poweroff -f
