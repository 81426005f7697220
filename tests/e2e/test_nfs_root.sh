#!/usr/bin/env bash
# Network roots: sprout-init's own DHCP client, the kernel's ip=/nfsroot= syntax and
# dracut's root=nfs4:, NFSv4 and NFSv3 from nfs-ganesha, BOOTIF= choosing the NIC, and
# clear failures. Without vers= the NFS version is negotiated (an NFSv4-only server reached
# through DHCP's root-path); an explicit vers=3 is honoured, and a server without it is
# reported as speaking NFSv4 only; a server that accepts TCP and never answers, listed
# first, is not waited for. Everything runs in a network namespace this test makes and
# removes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init nfs-root
net_init 43

ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img
SRV=$NET_PREFIX.2
e2e_make_root "$ROOT"
e2e_sprout_image "$IMG" --generic
SRV4=$NET_PREFIX.3 # NFSv4 only: no rpcbind registration, NFSv3 calls get PROG_MISMATCH 4..4
HUNG=$NET_PREFIX.8 # accepts TCP on 2049 and never answers
net_ganesha srv "$SRV" "$ROOT" --v3 --ro
net_ganesha srv4 "$SRV4" "$ROOT" --ro
net_blackhole "$HUNG" 2049
root_sum=$(e2e_sum "$ROOT")

# nfsboot NAME APPEND [net_boot args]: boots to the end; true if the root's init ran.
nfsboot() {
	local name=$1 append=$2
	shift 2
	net_boot "$name" --initrd "$IMG" --append "$append" --timeout 150 "$@"
	e2e_wait "$name" || true
	e2e_log_has "$name" 'SPROUT-E2E-ROOT: ok'
}

# ip=dhcp root=/dev/nfs: the path from DHCP's root-path, the lease handed to the real system.
# The server speaks NFSv4 only and the path says no version: negotiated, NFSv4.2 (this used
# to ask rpcbind for NFSv3 and fail with "connection refused").
net_dnsmasq --root-path "$SRV4:/export"
if nfsboot dhcp-rootpath "ip=dhcp root=/dev/nfs" --nic d1; then
	check_log dhcp-rootpath "not an NFSv4.2 read-only root from $SRV4" \
		dhcp-rootpath "SPROUT-E2E-MOUNT: $SRV4:/export / nfs4 ro,.*vers=4.2"
	check_log negotiated-version-logged "the negotiated NFS version is not logged" \
		dhcp-rootpath "sprout: root: NFS version 4.2 negotiated with $SRV4"
	check_log dhcp-lease-files "lease not in /run for the real system" \
		dhcp-rootpath 'SPROUT-E2E-RUN: .*net.*nfs-server'
	t_net=$(e2e_ktime dhcp-rootpath 'sprout: network: DHCP on') || true
	t_root=$(e2e_ktime dhcp-rootpath 'sprout: root: mounted') || true
	echo "timing: network start ${t_net:-?} s -> root mounted ${t_root:-?} s (kernel clock)" >&2
else
	e2e_fail dhcp-rootpath "ip=dhcp root=/dev/nfs with DHCP root-path (NFSv4-only server, no vers=) not reached" dhcp-rootpath
fi

# ip=dhcp nfsroot=SERVERS:/export,vers=3 (NFSv3 through rpcbind, nolock): the NFSv4-only
# server first is reported as such, not as absent, and the one with NFSv3 gives the root.
if nfsboot v3 "ip=dhcp root=/dev/nfs nfsroot=$SRV4,$SRV:/export,vers=3 sprout.nfs.select=order" --nic v3; then
	check_log nfsroot-v3 "not an NFSv3 root" v3 "SPROUT-E2E-MOUNT: $SRV:/export / nfs ro,.*vers=3"
	check_log v3-asked-v4-only "no 'speaks NFSv4 only' for the NFSv4-only server under vers=3" \
		v3 "sprout: root: NFS server $SRV4: speaks NFSv4 only; vers=3 was asked"
	check v3-honoured "vers=3 was not honoured exactly (a mount in another version)" \
		e2e_log_lacks v3 "sprout: root: mounting .*vers=4"
else
	e2e_fail nfsroot-v3 "ip=dhcp nfsroot=...,vers=3 not reached" v3
fi
net_dnsmasq_stop

# Static ip= (no DHCP server running at all), NFSv4.2; first in the list a server that
# accepts TCP and never answers: not waited for (its probe given up on when the grace window
# after the other's answer ends, never mounted, so no sprout.nfs.timeout spent on it).
if nfsboot static "ip=$NET_PREFIX.50::$NET_GW:255.255.255.0:node1:eth0:off root=/dev/nfs nfsroot=$HUNG,$SRV:/export,vers=4.2 sprout.nfs.select=order sprout.nfs.timeout=20" --nic s1; then
	check_log static-ip "not the static address or not NFSv4.2" \
		static "SPROUT-E2E-MOUNT: $SRV:/export / nfs4 ro,.*vers=4.2"
	check_log hung-server-not-waited "the silent server was not given up on while the other answered" \
		static "sprout: root: NFS server $HUNG: no answer yet, not waited for"
	check hung-server-not-mounted "a mount was tried on the server that never answers" \
		e2e_log_lacks static "sprout: root: mounting $HUNG:"
	check hung-server-no-timeout "the root phase waited out a timeout" \
		e2e_log_lacks static "sprout: root: NFS server .*(no answer in time|TCP connected, but no RPC answer)"
	t_hung=$(e2e_ktime static "NFS server $HUNG: no answer yet") || true
	t_root=$(e2e_ktime static 'sprout: root: mounted') || true
	echo "timing: silent server listed first: given up at ${t_hung:-?} s, root mounted ${t_root:-?} s (kernel clock)" >&2
	check_log static-address "the static address from ip= not configured" static 'sprout: network: eth0 10\.43\.0\.50/24'
	t_net=$(e2e_ktime static 'sprout: network: eth0 ') || true
	t_root=$(e2e_ktime static 'sprout: root: mounted') || true
	echo "timing: NFSv4.2 static: network configured ${t_net:-?} s -> root mounted ${t_root:-?} s (kernel clock)" >&2
else
	e2e_fail static-ip "static ip= with nfsroot=...,vers=4.2 not reached" static
fi

# root=nfs4: with BOOTIF= choosing the second of two NICs
net_dnsmasq
mac2=52:54:00:43:aa:02
if nfsboot bootif "root=nfs4:$SRV:/export BOOTIF=01-${mac2//:/-}" --nic b1,52:54:00:43:aa:01 --nic b2,$mac2; then
	check_log bootif-second-nic "BOOTIF= did not choose eth1" bootif 'sprout: network: eth1 '
else
	e2e_fail bootif-second-nic "root=nfs4: with BOOTIF= not reached" bootif
fi
net_dnsmasq_stop

# No DHCP server: a clear error, then the shell.
net_boot nodhcp --initrd "$IMG" --append "ip=dhcp root=/dev/nfs rd.timeout=4" --nic n1 --interactive --timeout 120
if e2e_expect nodhcp 'no DHCP answer on eth0 within 4 s' 120 && e2e_expect nodhcp 'rescue shell on the console' 30; then
	e2e_pass no-dhcp-error
else
	e2e_fail no-dhcp-error "no clear error and shell without a DHCP server" nodhcp
fi
e2e_stop nodhcp || true

# An export that does not exist: the error names the server and the export.
if nfsboot noexport "ip=$NET_PREFIX.51::$NET_GW:255.255.255.0::eth0:off root=nfs4:$SRV:/nonexistent rd.shell=0 rd.retry=0" --nic x1; then
	e2e_fail missing-export "booted from a missing export" noexport
else
	check_log missing-export "no clear error naming server and export" \
		noexport "sprout: root:   $SRV:/nonexistent  (no such export|refused by the server: no such export)"
fi

check export-unchanged "the exported tree changed" test "$(e2e_sum "$ROOT")" = "$root_sum"
