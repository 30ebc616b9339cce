#!/usr/bin/env python3
"""Sums the busy samples of a dotnet-trace thread-time profile under one frame, without the continuations it runs.

    dotnet-trace convert --format Speedscope trace.nettrace -o trace      # -> trace.speedscope.json
    python3 benchmarks/trace_subtree.py trace.speedscope.json "DefaultFragmentCache+<GetOrRenderAsync>" [TOP]

Thread-time traces are mostly idle threads, and an await that completes synchronously runs the awaiting code
(the rest of the view, the response) inside the frame that completed it; a stack that passes through
SetResult/RunContinuations below the root is therefore not counted as the root's own cost. Prints the root's
share of the busy time, then the frames under it by inclusive share, then by exclusive share.
"""
import json, sys, collections
d = json.load(open(sys.argv[1]))
frames = [f["name"] for f in d["shared"]["frames"]]
root = sys.argv[2]; top = int(sys.argv[3]) if len(sys.argv) > 3 else 50
idle = ("WaitForSignal","Monitor.Wait","WaitOneNoCheck","Sys.Read(","PollGC","WaitNative","WaitForSocketEvents","Enter_Slowpath")
incl = collections.Counter(); excl = collections.Counter(); busy = 0.0; rootn = 0.0
for p in d["profiles"]:
    stack = []; last = None
    for e in p["events"]:
        t = e["at"]
        if last is not None and stack and t > last:
            dt = t - last
            names = [frames[i] for i in stack]
            if not any(k in names[-1] for k in idle):
                busy += dt
                idx = next((i for i, n in enumerate(names) if root in n), None)
                if idx is not None and any(("SetExistingTaskResult" in n or "RunContinuations" in n or "SetResult" in n) for n in names[idx+1:]): idx = None
                if idx is not None:
                    rootn += dt
                    excl[names[-1]] += dt
                    for n in set(names[idx+1:]): incl[n] += dt
        last = t
        if e["type"] == "O": stack.append(e["frame"])
        else:
            if stack: stack.pop()
print(f"busy {busy:.0f} ms, under '{root}': {rootn:.0f} ms ({rootn/max(busy,1):.1%} of busy)")
print("-- inclusive"); [print(f"{w/rootn:6.1%} {n[:140]}") for n, w in incl.most_common(top)]
print("-- exclusive"); [print(f"{w/rootn:6.1%} {n[:140]}") for n, w in excl.most_common(25)]
