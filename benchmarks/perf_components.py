#!/usr/bin/env python3
"""Splits `perf record -a -g` samples (as `perf script -F comm,pid,tid,ip,sym,dso` prints them) by component, per request.

    perf script -F comm,pid,tid,ip,sym,dso -i perf.data | python3 benchmarks/perf_components.py --pid APP_PID --requests N --hz 499 [--top 25]

Each sample of the app process goes to the component of the nearest frame (from the leaf up) that one of the rules
below names, so a string built inside FragmentKey is key building, a frame of Kestrel's output is the response
write, and kernel time counts for the managed code that entered the kernel (its share is printed apart). The socket
calls themselves (sendmsg, send, recv) have rows of their own, as the unwinder usually loses their caller in libc. A sample whose
leaf is native runtime code (GC, JIT, allocation and cast helpers) counts as "runtime native". Samples of other
processes count by process: memcached (--memcached-pid: this run's server only), wrk, and everything else on the
machine. Prints CPU microseconds per request.
"""
import argparse, collections, re, sys

RULES = [  # (component, substrings of a frame); first rule matching the nearest frame wins
    ("view digest lookup", ["ViewDigestProvider"]),
    ("key, vary, options", ["FragmentKey", "VaryValues", "CacheKeyBuilder", "FragmentDirective", "VaryRules", "PageKey",
                            "TemplateFragmentKey", "FragmentExpiry", "FragmentStores", "FragmentAttributes", "LearnedVaryStore",
                            "PagePolicy", "PageCachePolicy", "UnkeyedInput", "FragmentEntryStore::FullKey"]),
    ("decoding", ["FragmentEntryCodec", "CacheValueCodec", "MemcachedValueCodec", "FragmentStoreEntry", "HoleTable", "PageEntry"]),
    ("kernel: response send (Kestrel's sendmsg)", ["Interop+Sys::SendMessage", "__libc_sendmsg"]),
    ("kernel: memcached request send (the client's send)", ["Interop+Sys::Send", "__send"]),
    ("kernel: socket receive (Kestrel's and the client's recv)", ["Interop+Sys::Receive", "Interop+Sys::Read", "__libc_recv"]),
    ("store get (client, socket I/O)", ["FragmentCache.Memcached", "StackExchange.Redis", "MemcachedCacheStore"]),
    ("<cache> (memory cache)", ["CacheTagHelper", "Microsoft.Extensions.Caching.Memory", "DistributedCacheTagHelper", "Microsoft.Extensions.Caching.StackExchangeRedis"]),
    ("[OutputCache]", ["Microsoft.AspNetCore.OutputCaching"]),
    ("writing the value (transcode, copy)", ["Utf8HtmlContent", "PageReplay", "UTF8Encoding", "Utf8Utility", "Utf8.", "Ascii", "Latin1"]),
    ("response write (Kestrel, socket send)", ["Http1OutputProducer", "HttpResponseStream", "HttpResponsePipeWriter", "ConcurrentPipeWriter",
                                               "System.IO.Pipelines", "SocketSender", "HttpResponseStreamWriter", "ViewBuffer", "PagedBufferedTextWriter",
                                               "Http1Connection::WriteResponseHeaders", "HttpProtocol::Flush", "HttpProtocol::Write", "HttpProtocol::ProduceEnd",
                                               "HttpProtocol::InitializeResponse", "CreateResponseHeaders", "HttpResponseHeaders", "HttpHeaders::"]),
    ("the benchmark app (controller, model, counters)", ["[FragmentCache.WebBench]"]),
    ("FragmentCache (rest: renderer, single-flight, page layer, metrics)", ["FragmentCache."]),
    ("MVC, Razor (views, tag helpers, filters)", ["Microsoft.AspNetCore.Mvc", "AspNetCoreGeneratedDocument", "Microsoft.AspNetCore.Razor", "TagHelper"]),
    ("Kestrel: connection, request parsing, socket receive", ["Microsoft.AspNetCore.Server.Kestrel", "SocketReceiver", "SocketConnection"]),
    ("ASP.NET Core: hosting, routing, middleware", ["Microsoft.AspNetCore.", "Microsoft.Extensions."]),
    ("thread hops (thread pool, wake-ups, epoll loop)", ["System.Threading.ThreadPool", "PortableThreadPool", "LowLevelLifoSemaphore", "WorkerThread",
                                                        "SocketAsyncEngine", "IOCompletion", "ThreadPoolWorkQueue", "LowLevelSpinWaiter", "Thread::StartCallback",
                                                        "System.Threading.Tasks", "ExecutionContext", "AsyncTaskMethodBuilder", "AsyncValueTaskMethodBuilder",
                                                        "ManualResetValueTaskSourceCore", "PoolingAsyncValueTaskMethodBuilder"]),
]
NATIVE_RUNTIME = ("libcoreclr", "libclrgc", "libclrjit", "libSystem.Native")

def parse(stream):
    head = None; frames = []
    for line in stream:
        line = line.rstrip("\n")
        if not line:
            if head: yield head, frames
            head = None; frames = []
            continue
        if not line.startswith(("\t", " ")) or head is None and not line.startswith("\t"):
            m = re.match(r"^(.*?)\s+(\d+)/(\d+)", line)
            if m: head = (m.group(1).strip(), int(m.group(2))); frames = []
            continue
        parts = line.strip().split(" ", 1)
        rest = parts[1] if len(parts) > 1 else ""
        m = re.match(r"^(.*)\s+\((.*)\)$", rest)
        sym, dso = (m.group(1), m.group(2)) if m else (rest, "")
        frames.append((sym, dso))
    if head: yield head, frames

OWNER = re.compile(r"\[([\w.]+)\] ([^ (]+?::[^(\[]+)")

def name_of(sym):
    """A perf-map frame as "[Assembly] Type::Method" (its argument types left out, so they cannot match a rule)."""
    m = OWNER.search(sym)
    return f"[{m.group(1)}] {m.group(2)}" if m else sym

def classify(frames):
    if not frames: return "unknown", False
    kernel = "kernel" in frames[0][1]
    user = [(s, d) for s, d in frames if "kernel" not in d]
    if user and any(n in user[0][1] for n in NATIVE_RUNTIME):
        return "runtime native (GC, JIT, allocation and cast helpers)", kernel
    for sym, dso in user:
        sym = name_of(sym)
        for name, subs in RULES:
            if any(s in sym for s in subs):
                return name, kernel
    return ("kernel, no managed caller (interrupts, scheduling)" if kernel and not user else "other (unresolved frames)"), kernel

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True); ap.add_argument("--memcached-pid", type=int, default=0); ap.add_argument("--requests", type=int, required=True)
    ap.add_argument("--hz", type=float, default=499); ap.add_argument("--top", type=int, default=0)
    a = ap.parse_args()
    app = collections.Counter(); app_kernel = collections.Counter(); procs = collections.Counter(); total = 0
    leafs = collections.Counter()
    for (comm, pid), frames in parse(sys.stdin):
        total += 1
        if pid == a.pid:
            c, k = classify(frames); app[c] += 1
            if k: app_kernel[c] += 1
            if a.top: leafs[(c, next((s for s, d in frames if "kernel" not in d), frames[0][0] if frames else "?"))] += 1
        elif pid == a.memcached_pid or not a.memcached_pid and comm.startswith(("memcached", "mc-worker")): procs["memcached"] += 1
        elif comm.startswith("wrk"): procs["wrk (every wrk on the machine)"] += 1
        elif comm.startswith("swapper"): procs["idle"] += 1
        else: procs["other processes on the machine"] += 1
    us = lambda n: n / a.hz / max(a.requests, 1) * 1e6
    napp = sum(app.values())
    print(f"   {'component':<66} {'us/req':>7} {'share':>6} {'kernel us':>9}")
    for c, n in app.most_common():
        print(f"   {c:<66} {us(n):7.2f} {n/max(napp,1):6.1%} {us(app_kernel[c]):9.2f}")
    print(f"   {'app process, all':<66} {us(napp):7.2f}")
    for c, n in procs.most_common():
        print(f"   {c:<66} {us(n):7.2f}")
    print(f"   samples: {total} in all, {napp} in the app")
    if a.top:
        print("   -- nearest managed frames")
        for (c, s), n in leafs.most_common(a.top): print(f"   {us(n):6.2f} {c[:20]:<20} {s[:150]}")

if __name__ == "__main__":
    main()
