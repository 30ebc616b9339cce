#!/usr/bin/env python3
"""Splits `perf record -a -g` samples of the client benchmark (as `perf script -F comm,pid,tid,ip,sym,dso` prints them)
by component, in CPU microseconds per get.

    perf script -F comm,pid,tid,ip,sym,dso -i perf.data | python3 benchmarks/perf_client.py --pid PID --memcached-pid MC --gets N --hz 999

Samples of the runtime's tiered-compilation thread count as JIT (warm-up that short runs still pay). A sample of the
benchmark process whose leaf is in the kernel goes to the system call it is in (send, receive, epoll,
futex: a thread put to sleep or woken); one whose leaf is native runtime code to "runtime native" (GC, allocation,
JIT, cast helpers, thread start); any other to the component of the nearest managed frame (from the leaf up) that a rule
below names, so a memcpy called from the client's reply parsing counts for the client. Samples of memcached (this run's
server) and of other processes count by process.
"""
import argparse, collections, re, sys

KERNEL = [  # (component, substrings of any kernel frame of the stack); first match wins
    ("kernel: send (tcp_sendmsg; on loopback also the receiver's TCP path)", ["tcp_sendmsg", "__sys_sendto", "__sys_sendmsg", "sock_sendmsg"]),
    ("kernel: receive (tcp_recvmsg)", ["tcp_recvmsg", "__sys_recvfrom", "__sys_recvmsg", "sock_recvmsg", "sock_read_iter"]),
    ("kernel: epoll (wait and wake)", ["ep_poll", "do_epoll_wait", "epoll"]),
    ("kernel: futex (threads put to sleep and woken)", ["futex"]),
    ("kernel: scheduling", ["schedule", "finish_task_switch", "sched_", "pick_next"]),
]
RULES = [  # (component, substrings of a managed frame); first rule matching the nearest frame wins
    ("client: metrics (System.Diagnostics.Metrics)", ["System.Diagnostics.Metrics", "MemcachedMetrics"]),
    ("client: reply parsing and request formatting (Protocol)", ["FragmentCache.Memcached.Protocol"]),
    ("client: connection, completion batch, operation (Connections)", ["FragmentCache.Memcached.Connections"]),
    ("client: API (key, routing, result, item)", ["FragmentCache.Memcached"]),
    ("benchmark loop (ceiling, raw loop, scenario)", ["FragmentCache.Benchmarks"]),
    ("sockets (managed: SocketAsyncEngine, SocketAsyncContext, NetworkStream)", ["System.Net.Sockets"]),
    ("pipelines (PipeReader)", ["System.IO.Pipelines"]),
    ("thread pool, tasks, async machinery", ["System.Threading", "System.Runtime.CompilerServices", "ExecutionContext"]),
]
NATIVE_RUNTIME = ("libcoreclr", "libclrgc", "libclrjit")

def parse(stream):
    head = None; frames = []
    for line in stream:
        line = line.rstrip("\n")
        if not line:
            if head: yield head, frames
            head = None; frames = []
            continue
        if not line.startswith(("\t", " ")):
            m = re.match(r"^(.*?)\s+(\d+)/(\d+)", line)
            if m: head = (m.group(1).strip(), int(m.group(2))); frames = []
            continue
        parts = line.strip().split(" ", 1)
        rest = parts[1] if len(parts) > 1 else ""
        m = re.match(r"^(.*)\s+\((.*)\)$", rest)
        sym, dso = (m.group(1), m.group(2)) if m else (rest, "")
        frames.append((sym, dso))
    if head: yield head, frames

def classify(frames, comm=""):
    if not frames: return "unknown"
    if comm.startswith(".NET Tiered"):
        return "JIT: tiered compilation (warm-up, its own thread)"
    if "kernel" in frames[0][1]:
        kernel = [s for s, d in frames if "kernel" in d]
        for name, subs in KERNEL:
            if any(sub in s for s in kernel for sub in subs):
                return name
        return "kernel: other (interrupts, softirq, page faults)"
    if any(n in frames[0][1] for n in NATIVE_RUNTIME):
        return "runtime native (GC, allocation, JIT, helpers)"
    for sym, dso in frames:
        for name, subs in RULES:
            if any(s in sym for s in subs):
                return name
    if "libSystem.Native" in frames[0][1] or "libc" in frames[0][1]:
        return "libc, System.Native (syscall wrappers)"
    return "other managed or unresolved"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True); ap.add_argument("--memcached-pid", type=int, default=0)
    ap.add_argument("--gets", type=float, required=True); ap.add_argument("--hz", type=float, default=999); ap.add_argument("--top", type=int, default=0)
    a = ap.parse_args()
    app = collections.Counter(); procs = collections.Counter(); tops = collections.Counter(); total = 0
    for (comm, pid), frames in parse(sys.stdin):
        total += 1
        if pid == a.pid:
            c = classify(frames, comm); app[c] += 1
            if a.top:
                managed = next((s for s, d in frames if "kernel" not in d and not any(n in d for n in NATIVE_RUNTIME)), frames[0][0] if frames else "?")
                tops[(c, managed[:140])] += 1
        elif pid == a.memcached_pid: procs["memcached (this run's server)"] += 1
        elif comm.startswith("swapper"): procs["idle"] += 1
        else: procs["other processes on the machine"] += 1
    us = lambda n: n / a.hz / max(a.gets, 1) * 1e6
    napp = sum(app.values())
    print(f"   {'component':<74} {'us/get':>7} {'share':>6}")
    for c, n in app.most_common():
        print(f"   {c:<74} {us(n):7.3f} {n/max(napp,1):6.1%}")
    print(f"   {'benchmark process, all':<74} {us(napp):7.3f}")
    for c, n in procs.most_common():
        print(f"   {c:<74} {us(n):7.3f}")
    print(f"   samples: {total} in all, {napp} in the benchmark process")
    if a.top:
        print("   -- nearest managed frame (or leaf)")
        for (c, s), n in tops.most_common(a.top): print(f"   {us(n):6.3f} {c[:24]:<24} {s}")

if __name__ == "__main__":
    main()
