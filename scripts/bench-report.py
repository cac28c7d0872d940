#!/usr/bin/env python3
"""Turns the Google Benchmark JSON files written by bench.sh into BENCHMARKS.md
(numbers next to the targets, machine, date, commit) and gnuplot charts in
docs/bench/. Usage: bench-report.py RESULTS_DIR REPO_ROOT [--quick]"""

import datetime
import json
import os
import platform
import subprocess
import sys


def load(results, name):
    path = os.path.join(results, name + ".json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        out[b["name"].replace("_median", "")] = b
    return out


def load_alloc(results, name):
    path = os.path.join(results, name + ".json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def read_text(results, name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read()


def sh(cmd, cwd=None):
    try:
        return subprocess.run(cmd, shell=True, cwd=cwd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(root):
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem_kib = int(line.split()[1])
    commit = sh("git rev-parse --short HEAD", root)
    # The report's own outputs do not make the measured tree dirty.
    dirty = sh("git status --porcelain --untracked-files=no -- . ':!BENCHMARKS.md' ':!docs/bench'", root)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "compiler": sh("c++ --version | head -1"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load": open("/proc/loadavg").read().split()[0:3],
        "commit": commit + (" (+ uncommitted changes)" if dirty else ""),
    }


def get(results, bench, counter, default=None):
    b = results.get(bench)
    if not b:
        return default
    if counter == "time":
        return b.get("real_time")
    return b.get(counter, default)


def first(d, prefix):
    """The first benchmark whose name starts with prefix (names end in /iterations:N etc.)."""
    name = next((n for n in d if n.startswith(prefix)), None)
    return d.get(name) if name else None


def fmt(v, digits=1, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float) and digits == 0:
        return f"{v:,.0f}{unit}"
    return f"{v:,.{digits}f}{unit}"


def verdict(value, limit, strict=True):
    """Whether value is below limit (at most limit when not strict)."""
    if value is None:
        return "not measured"
    ok = value < limit if strict else value <= limit
    return "met" if ok else "**missed**"


def gnuplot(script):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write(f"bench-report: gnuplot failed: {e}\n")
        return False


E2E_ROUTES = [
    ("health", "GET /health"),
    ("list_users_25", "GET /users?limit=25"),
    ("list_users_50", "GET /users?limit=50"),
    ("list_users_100", "GET /users?limit=100"),
    ("get_user", "GET /users/{id}"),
    ("create_user", "POST /users (+audit)"),
    ("audit_logs_filtered", "GET /audit-logs (filtered)"),
    ("quicksight_embed_url", "POST /quicksight/embed-url"),
]


# Cold start on the production path (RDS secret from Secrets Manager), warm
# page cache and cold disk; a bare PostgreSQL connection; files opened.
COLD_WARM = "BM_ColdStart/secrets_manager/"
# The commit the warm-path work (issue 14) measured itself against.
WARM_PATH_BASELINE = "c4c56db"
COLD_TLS = "BM_ColdStart/secrets_manager_tls"
COLD_FLOOR = "BM_ColdStart/floor"
COLD_DISK = "BM_ColdStart/cold_disk/secrets_manager"
COLD_PG_CONNECT = "BM_ColdStart/postgres_connect"
COLD_FILES = "BM_ColdStart/files_opened"
# DATABASE_URL and the production path without the internal extension's
# registration (issue 17); the trailing slashes keep each name from matching
# the longer ones.
COLD_DB = "BM_ColdStart/database_url/"
COLD_DB_NO_EXTENSION = "BM_ColdStart/database_url_no_extension/"
COLD_WARM_NO_EXTENSION = "BM_ColdStart/secrets_manager_no_extension/"


def e2e_name(route, threads, baseline=False):
    return f"BM_E2E{'_Baseline' if baseline else ''}/{route}/real_time/threads:{threads}"


def change(before, after, digits=0, unit=""):
    """'before -> after (x-fold)' for a smaller-is-better value."""
    if after is None:
        return "n/a"
    if before is None:
        return fmt(after, digits, unit)
    ratio = ""
    if after > 0 and before > 0:
        ratio = f" ({before / after:.1f}x)" if before >= after else f" ({after / before:.1f}x more)"
    elif after == 0 and before > 0:
        ratio = " (none)"
    return f"{fmt(before, digits, unit)} -> **{fmt(after, digits, unit)}**{ratio}"


def charts(e2e, cold, cold_base, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    made = []
    # Latency per route (1 sandbox): p50 / p90 / p99 of the billed duration.
    rows = []
    for route, label in E2E_ROUTES:
        b = e2e.get(e2e_name(route, 1))
        if b:
            rows.append((label, b.get("duration_us_p50", 0), b.get("duration_us_p90", 0), b.get("duration_us_p99", 0)))
    if rows:
        data = os.path.join(out_dir, ".latency.dat")
        with open(data, "w") as f:
            for label, p50, p90, p99 in rows:
                f.write(f'"{label}" {p50 / 1000:.4f} {p90 / 1000:.4f} {p99 / 1000:.4f}\n')
        png = os.path.join(out_dir, "latency-per-route.png")
        ok = gnuplot(f"""
set terminal pngcairo noenhanced size 1100,560 font "sans,10"
set output "{png}"
set title "Warm invocation duration per route (billed: event on /next -> response), 1 sandbox, log scale"
set ylabel "milliseconds"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -25 scale 0
set grid ytics
set key top left
set logscale y
set yrange [0.1:*]
plot "{data}" using 2:xtic(1) title "p50" lc rgb "#2b8cbe", \\
     "" using 3 title "p90" lc rgb "#fdae61", \\
     "" using 4 title "p99" lc rgb "#d7191c"
""")
        os.remove(data)
        if ok:
            made.append(png)
    # Throughput vs sandboxes.
    rows = []
    for route, label in E2E_ROUTES:
        vals = [e2e.get(e2e_name(route, n), {}).get("items_per_second") for n in (1, 2, 4)]
        if all(v is not None for v in vals):
            rows.append((label, vals))
    if rows:
        data = os.path.join(out_dir, ".throughput.dat")
        with open(data, "w") as f:
            for label, vals in rows:
                f.write(f'"{label}" ' + " ".join(f"{v:.1f}" for v in vals) + "\n")
        png = os.path.join(out_dir, "throughput-sandboxes.png")
        ok = gnuplot(f"""
set terminal pngcairo noenhanced size 1100,560 font "sans,10"
set output "{png}"
set title "Invocations per second, N sandboxes in parallel (N bootstrap processes, {os.cpu_count()} cores)"
set ylabel "invocations / s"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set xtics rotate by -25 scale 0
set grid ytics
set key top right
set yrange [0:*]
plot "{data}" using 2:xtic(1) title "1 sandbox" lc rgb "#1b9e77", \\
     "" using 3 title "2 sandboxes" lc rgb "#d95f02", \\
     "" using 4 title "4 sandboxes" lc rgb "#7570b3"
""")
        os.remove(data)
        if ok:
            made.append(png)
    # Cold start: both layouts, warm page cache and cold disk, production path (RDS secret).
    rows = []
    for data, who in ((cold_base, "baseline"), (cold, "this tree")):
        for key, cache in ((COLD_WARM, "warm"), (COLD_DISK, "cold disk")):
            b = first(data, key)
            if b and not b.get("error_occurred"):
                rows.append((f"{who}, {cache}", b.get("init_ms_p50", 0), b.get("first_response_ms_p50", 0)))
    if rows:
        data = os.path.join(out_dir, ".cold.dat")
        with open(data, "w") as f:
            for label, init, first_response in rows:
                f.write(f'"{label}" {init:.3f} {first_response:.3f}\n')
        png = os.path.join(out_dir, "cold-start.png")
        ok = gnuplot(f"""
set terminal pngcairo noenhanced size 900,520 font "sans,10"
set output "{png}"
set title "Cold start with the RDS secret, median (exec of bootstrap -> ...)"
set ylabel "milliseconds"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set xtics scale 0
set grid ytics
set key outside bottom center horizontal
set yrange [0:*]
set arrow from graph 0, first 5 to graph 1, first 5 nohead dt 2 lc rgb "#2b8cbe"
set arrow from graph 0, first 20 to graph 1, first 20 nohead dt 2 lc rgb "#d7191c"
set label "target <= 5 (warm)" at graph 0.02, first 5.6 tc rgb "#2b8cbe"
set label "target <= 20 (warm)" at graph 0.02, first 20.6 tc rgb "#d7191c"
plot "{data}" using 2:xtic(1) title "first /next (init)" lc rgb "#2b8cbe", \\
     "" using 3 title "first GET /users?limit=50 done" lc rgb "#d7191c"
""")
        os.remove(data)
        if ok:
            made.append(png)
    return made


def code_block(text):
    """A blank line, the text fenced as code, a blank line."""
    return ["", "```", *text.rstrip().split("\n"), "```", ""]


def alloc_of(data, route):
    return ((data.get("routes") or {}).get(route) or {}).get("allocations_per_invocation")


def warm_path_section(e2e, alloc, alloc_base, baseline_commit, profile, quick):
    """The warm-path targets (issue 14) and every route before and after."""
    L = []
    has_base = any(e2e_name(route, 1, True) in e2e for route, _ in E2E_ROUTES)
    L.append("## Warm path: every route before and after")
    L.append("")
    if has_base:
        L.append(f"Both columns come from this one run on this machine: the bootstrap under test and the baseline, "
                 f"commit `{baseline_commit[:12] or '?'}`, which `bench.sh` built from git (its own deployment zip, "
                 "and its own code under the same allocation harness), measured route by route in turn against the "
                 "same PostgreSQL. One sandbox, warm, REST v1 events, the Acme tenant holding 500 users.")
    else:
        L.append("No baseline in this run (`./bench.sh --quick` skips it; `--baseline REF` adds one): after only.")
    L.append("")
    L.append("- *CPU*: `bootstrap`'s on-CPU time per invocation, all threads, from the scheduler's exact account.")
    L.append("- *billed*: event delivered on `/next` -> response received by the Runtime API, what Lambda bills.")
    L.append("- *PostgreSQL*: planning + execution time of every statement the request ran (`pg_stat_statements`, "
             "track = top), per request. Parse time is not in it; it fell too, with the statements.")
    L.append("- *allocations*: malloc-family calls on the invocation's thread per invocation, ours and libpq's, "
             "counted in process (`tests/bench/alloc`), deterministic.")
    L.append("")

    def row(route, baseline=False):
        return e2e.get(e2e_name(route, 1, baseline)) or {}

    health, health_b = row("health"), row("health", True)
    users, users_b = row("list_users_50"), row("list_users_50", True)

    def v(b, key, scale=1.0):
        x = b.get(key)
        return None if x is None else x * scale

    others = []
    for route, label in E2E_ROUTES:
        if route in ("list_users_50", "quicksight_embed_url"):
            continue
        p50 = row(route).get("duration_us_p50")
        if p50 is not None:
            others.append((label, p50))
    worst_other = max(others, key=lambda x: x[1]) if others else None
    pg_ratios = []
    for route, label in E2E_ROUTES:
        before, after = row(route, True).get("pg_time_us"), row(route).get("pg_time_us")
        if before and after is not None and before > 0:
            pg_ratios.append((label, before / after if after > 0 else float("inf")))
    missed_pg = [f"{label} ({r:.1f}x)" for label, r in pg_ratios if r < 2.0]
    alloc_cuts = []
    for route in ("list_users_50", "health"):
        before, after = alloc_of(alloc_base, route), alloc_of(alloc, route)
        if before and after is not None:
            alloc_cuts.append((route, before / after if after > 0 else float("inf")))

    L.append("| target | before | after | verdict |")
    L.append("| --- | ---: | ---: | --- |")
    L.append(f"| `GET /health` CPU per invocation <= 0.15 ms | {fmt(v(health_b, 'bootstrap_cpu_us', 1e-3), 3, ' ms')} | "
             f"{fmt(v(health, 'bootstrap_cpu_us', 1e-3), 3, ' ms')} | "
             f"{verdict(v(health, 'bootstrap_cpu_us', 1e-3), 0.15, strict=False)} |")
    L.append(f"| `GET /users?limit=50` CPU per invocation <= 0.2 ms | {fmt(v(users_b, 'bootstrap_cpu_us', 1e-3), 3, ' ms')} | "
             f"{fmt(v(users, 'bootstrap_cpu_us', 1e-3), 3, ' ms')} | "
             f"{verdict(v(users, 'bootstrap_cpu_us', 1e-3), 0.2, strict=False)} |")
    L.append(f"| `GET /users?limit=50` billed p50 <= 0.6 ms | {fmt(v(users_b, 'duration_us_p50', 1e-3), 3, ' ms')} | "
             f"{fmt(v(users, 'duration_us_p50', 1e-3), 3, ' ms')} | "
             f"{verdict(v(users, 'duration_us_p50', 1e-3), 0.6, strict=False)} |")
    L.append(f"| `GET /users?limit=50` billed p99 < 1.0 ms | {fmt(v(users_b, 'duration_us_p99', 1e-3), 3, ' ms')} | "
             f"{fmt(v(users, 'duration_us_p99', 1e-3), 3, ' ms')} | "
             f"{verdict(v(users, 'duration_us_p99', 1e-3), 1.0)} |")
    if worst_other:
        before_worst = max((row(r, True).get("duration_us_p50") or 0) for r, _ in E2E_ROUTES
                           if r not in ("list_users_50", "quicksight_embed_url")) or None
        L.append(f"| every other route's billed p50 < 1.0 ms (not the QuickSight embed) | "
                 f"{fmt(before_worst / 1000 if before_worst else None, 3, ' ms')} (slowest) | "
                 f"{fmt(worst_other[1] / 1000, 3, ' ms')} ({worst_other[0]}) | "
                 f"{verdict(worst_other[1] / 1000, 1.0)} |")
    # The relative targets (halving, 10x) were set against the warm path's own
    # baseline; against a later one they say nothing about the warm path.
    relative = baseline_commit.startswith(WARM_PATH_BASELINE)
    if not relative and (pg_ratios or alloc_cuts):
        L.append(f"| PostgreSQL halved, allocations cut >= 10x | | | not judged: set against "
                 f"`{WARM_PATH_BASELINE}`, and this run's baseline is `{baseline_commit[:12] or '?'}` |")
    if pg_ratios and relative:
        smallest = min(r for _, r in pg_ratios)
        L.append(f"| PostgreSQL time per request at least halved, every route | | smallest cut "
                 f"{'none left' if smallest == float('inf') else f'{smallest:.1f}x'} | "
                 f"{'met' if not missed_pg else '**missed**: ' + ', '.join(missed_pg)} |")
    for route, cut in alloc_cuts if relative else ():
        L.append(f"| allocations per invocation cut >= 10x, `{route}` | {fmt(alloc_of(alloc_base, route), 0)} | "
                 f"{fmt(alloc_of(alloc, route), 0)} ({'inf' if cut == float('inf') else f'{cut:.0f}'}x) | "
                 f"{'met' if cut >= 10 else '**missed**'} |")
    L.append("")

    L.append("| route | CPU / invocation (us) | billed p50 (us) | p90 | p99 | PostgreSQL / request (us) | "
             "statements / request | allocations / invocation |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for route, label in E2E_ROUTES:
        a, b = row(route), row(route, True)
        if not a:
            continue
        L.append(f"| {label} | {change(b.get('bootstrap_cpu_us'), a.get('bootstrap_cpu_us'))} | "
                 f"{change(b.get('duration_us_p50'), a.get('duration_us_p50'))} | "
                 f"{change(b.get('duration_us_p90'), a.get('duration_us_p90'))} | "
                 f"{change(b.get('duration_us_p99'), a.get('duration_us_p99'))} | "
                 f"{change(b.get('pg_time_us'), a.get('pg_time_us'), 1)} | "
                 f"{change(b.get('pg_statements'), a.get('pg_statements'), 1)} | "
                 f"{change(alloc_of(alloc_base, route), alloc_of(alloc, route))} |")
    L.append("")
    if alloc.get("counting") == "n/a":
        L.append("Allocation counts are not available in this build (sanitizers own the allocator).")
        L.append("")
    if profile:
        L.append("### Where the CPU of a warm `GET /users?limit=50` goes")
        L.append("")
        L.append("`perf record` on the deployment zip's `bootstrap` during a one-sandbox run of the route, "
                 "written by this `./bench.sh` run (share of the process's samples; kernel = TCP, wake-ups and "
                 "syscalls):")
        L.extend(code_block(profile))
    return L


def extension_registration_lines(cold):
    """Cold start with and without the internal extension's registration
    (issue 17: it must not add measurable time), from this run's variants."""
    rows = []
    for with_key, without_key, label in ((COLD_WARM, COLD_WARM_NO_EXTENSION, "`RDS_SECRET_ARN` (production path)"),
                                         (COLD_DB, COLD_DB_NO_EXTENSION, "`DATABASE_URL`")):
        with_ext, without = first(cold, with_key) or {}, first(cold, without_key) or {}
        if with_ext.get("error_occurred") or without.get("error_occurred"):
            continue
        if with_ext.get("init_ms_p50") is None or without.get("init_ms_p50") is None:
            continue

        def delta(counter):
            a, b = with_ext.get(counter), without.get(counter)
            return "n/a" if a is None or b is None else f"{a - b:+.2f}"

        rows.append(f"| {label} | {fmt(with_ext['init_ms_p50'], 2)} ({fmt(with_ext.get('init_ms_p90'), 2)}) | "
                    f"{fmt(without['init_ms_p50'], 2)} ({fmt(without.get('init_ms_p90'), 2)}) | "
                    f"{delta('init_ms_p50')} | {fmt(with_ext.get('first_response_ms_p50'), 2)} | "
                    f"{fmt(without.get('first_response_ms_p50'), 2)} | {delta('first_response_ms_p50')} |")
    if not rows:
        return []
    return ["### Registering as an internal extension (`SHUTDOWN_EXTENSION_ENABLED`)", "",
            "So that Lambda sends SIGTERM at shutdown, `bootstrap` registers as an internal extension during init: "
            "on its own thread and connection, while init goes on; the runtime waits for the answer only before "
            "its first `/next`. Same run, same driver, the variant with `SHUTDOWN_EXTENSION_ENABLED=false` beside "
            "each. Milliseconds, median (p90).", "",
            "| start | init, registered | init, not registered | difference | first response, registered | "
            "first response, not registered | difference |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"] + rows + [""]


def cold_start_section(cold, cold_base, baseline_commit):
    """The cold-start targets (issue 15): the baseline's deployment layout and
    this tree's, warm page cache and cold disk, the files each opens before its
    first /next, and PostgreSQL's share of the first response."""
    layouts = []
    if cold_base:
        layouts.append((f"baseline `{baseline_commit[:12] or '?'}`", cold_base))
    if cold:
        layouts.append(("this tree", cold))
    if not layouts:
        return []
    L = ["## Cold start: deployment layouts, warm and cold disk", ""]
    if cold_base:
        L.append(f"Both rows come from this one run: the deployment zip of the baseline, commit "
                 f"`{baseline_commit[:12] or '?'}`, which `bench.sh` built from git with that commit's own "
                 "`package.sh`, and this tree's; each started through the zip's top-level `bootstrap` by the same "
                 "driver.")
    else:
        L.append("No baseline in this run (`./bench.sh --quick` skips it; `--baseline REF` adds one): this tree only.")
    L.append("")
    L.append("- One iteration = a new sandbox under the local emulator with `GET /users?limit=50` queued, on the "
             "production path: the RDS secret fetched from the Secrets Manager stand-in during init, then the "
             "PostgreSQL connection with its credentials. *init* = fork/exec of `bootstrap` -> its first `/next` "
             "(Lambda's Init); *first `GET /users`* = init + the first invocation (event delivered -> response).")
    L.append("- *Cold disk*: as root, `sync; echo 3 > /proc/sys/vm/drop_caches` after the emulator listens and "
             "before each spawn (not timed), so `bootstrap` and every file it loads come from disk, as on a fresh "
             "Lambda host. The drop also evicts PostgreSQL's file pages (not its shared buffers, nor pages mapped by "
             "running processes), so the cold-disk first response includes a slower PostgreSQL too: init is the "
             "clean cold-disk number. On a VM the host may still cache the disk image: this is the guest's cold "
             "disk, a lower bound for a host that has never seen the zip.")
    L.append("- *Secret over TLS*: the same, with the Secrets Manager stand-in on HTTPS and `AWS_CA_BUNDLE` naming "
             "a bundle of the system's ~140 roots followed by the stand-in's certificate, as production verifies "
             "against the zip's bundle (the other columns use the plain-HTTP stand-in).")
    L.append("- *Files opened*: successful `open`/`openat` calls before the runtime's `connect()` for its first "
             "`/next` (`strace -f`, one start; the internal extension's registration connects earlier, on its own "
             "thread), with the failed attempts (library search paths, optional files) and the "
             "`execve` calls (a wrapper script adds its own).")
    L.append("")

    def ms(b, counter):
        """'p50 (p90)' of a cold-start counter in milliseconds."""
        if b and b.get("error_occurred"):
            return "skipped"
        if not b or b.get(counter + "_p50") is None:
            return "not run"
        return f"{fmt(b[counter + '_p50'], 2)} ({fmt(b.get(counter + '_p90'), 2)})"

    def opened(files):
        if files and files.get("error_occurred"):
            return f"skipped: {files.get('error_message', '')}"
        if not files or files.get("files_opened") is None:
            return "not measured"
        return (f"{fmt(files['files_opened'], 0)} ({fmt(files.get('failed_opens'), 0)} failed, "
                f"{fmt(files.get('execs'), 0)} `execve`)")

    L.append("| layout | runs (warm / cold disk) | init, warm | first `GET /users`, warm | first `GET /users`, warm, "
             "secret over TLS | init, cold disk | first `GET /users`, cold disk | files opened before the first "
             "`/next` |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    skipped = set()
    for label, data in layouts:
        warm, disk = first(data, COLD_WARM) or {}, first(data, COLD_DISK) or {}
        if disk.get("error_occurred"):
            skipped.add(disk.get("error_message", ""))
        tls = first(data, COLD_TLS) or {}
        L.append(f"| {label} | {fmt(warm.get('runs'), 0)} / {fmt(disk.get('runs'), 0)} | {ms(warm, 'init_ms')} | "
                 f"{ms(warm, 'first_response_ms')} | {ms(tls, 'first_response_ms')} | {ms(disk, 'init_ms')} | "
                 f"{ms(disk, 'first_response_ms')} | "
                 f"{opened(first(data, COLD_FILES))} |")
    L.append("")
    L.append("Milliseconds, median (p90)."
             + "".join(f" Cold disk was skipped: {message}." for message in sorted(skipped)))
    L.append("")
    floor = first(cold, COLD_FLOOR) or {}
    if floor.get("init_ms_p50") is not None and not floor.get("error_occurred"):
        L.append(f"This machine's floor, same run: a minimal static runtime (`tests/bench/cold_start_floor.cpp`: "
                 f"connect, `/next`, a constant answer; libc only, {fmt(floor.get('runs'), 0)} starts) reaches its "
                 f"first `/next` in {ms(floor, 'init_ms')} ms: the exec, the page faults and the emulator's own "
                 "part, before any runtime's work.")
        L.append("")

    def p50(data, key, counter):
        return (first(data, key) or {}).get(counter + "_p50")

    base_disk, disk = p50(cold_base, COLD_DISK, "init_ms"), p50(cold, COLD_DISK, "init_ms")
    warm_init, warm_first = p50(cold, COLD_WARM, "init_ms"), p50(cold, COLD_WARM, "first_response_ms")
    half = None
    if base_disk and disk is not None:
        half = f"{verdict(disk, base_disk / 2, strict=False)} ({disk / base_disk:.2f}x the baseline's)"
    L.append("| target (medians) | baseline | this tree | verdict |")
    L.append("| --- | ---: | ---: | --- |")
    L.append(f"| cold disk: exec -> first `/next` at most half the baseline's, same run | {fmt(base_disk, 2, ' ms')} | "
             f"{fmt(disk, 2, ' ms')} | {half or 'not measured'} |")
    L.append(f"| warm: exec -> first `/next` <= 5 ms | {fmt(p50(cold_base, COLD_WARM, 'init_ms'), 2, ' ms')} | "
             f"{fmt(warm_init, 2, ' ms')} | {verdict(warm_init, 5, strict=False)} |")
    L.append(f"| warm: exec -> first completed `GET /users`, Secrets Manager fetch included, <= 20 ms | "
             f"{fmt(p50(cold_base, COLD_WARM, 'first_response_ms'), 2, ' ms')} | {fmt(warm_first, 2, ' ms')} | "
             f"{verdict(warm_first, 20, strict=False)} |")
    L.append("")

    L.append("### PostgreSQL's share of the first response")
    L.append("")
    L.append("The first invocation waits for the sandbox's PostgreSQL connection and runs PostgreSQL's first "
             "statements on a new backend. *New connection*: a bare libpq connection from the driver to the same "
             "server and role (`BM_ColdStart/postgres_connect`: TCP, a new backend process, SCRAM-SHA-256, "
             "startup). *Statements*: planning + execution of what the first invocation ran "
             "(`pg_stat_statements`; a new backend also loads PL/pgSQL and compiles each `api.*` function on its "
             "first call). The bootstrap opens its connection on a background thread during init, so part of the "
             "connection can overlap init: the share is what PostgreSQL's work adds up to, not all of it on the "
             "critical path. Warm page cache, milliseconds, medians.")
    L.append("")
    L.append("| layout | first `GET /users` | init | first invocation | new connection | statements | "
             "PostgreSQL share |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, data in layouts:
        warm = first(data, COLD_WARM) or {}
        connect = p50(data, COLD_PG_CONNECT, "connect_ms")
        statements, first_response = warm.get("first_pg_ms_p50"), warm.get("first_response_ms_p50")
        share = None
        if connect is not None and statements is not None and first_response:
            share = f"{(connect + statements) / first_response:.0%}"
        L.append(f"| {label} | {fmt(first_response, 2)} | {fmt(warm.get('init_ms_p50'), 2)} | "
                 f"{fmt(warm.get('first_duration_ms_p50'), 2)} | {fmt(connect, 2)} | {fmt(statements, 2)} | "
                 f"{share or 'n/a'} |")
    L.append("")
    return L


def load_jsonl(results, name):
    out = {}
    for line in read_text(results, name).splitlines():
        if line.strip():
            entry = json.loads(line)
            out[entry["benchmark"]] = entry["statements"]
    return out


def pg_writes_section(statements, profile_pg):
    """Where PostgreSQL's time goes in POST /users: statement by statement
    (nested ones included), before and after, and perf on the backend."""
    if not statements and not profile_pg:
        return []
    L = ["### Where PostgreSQL's time goes in `POST /users`", ""]
    if statements:
        L.append("Every statement the route ran, per request, from a separate one-sandbox run of this `./bench.sh` "
                 "with `pg_stat_statements.track = all`: nested statements (run inside a function or a foreign-key "
                 "trigger, *nested* below) are listed too, and their time is already inside the top-level "
                 "statement that ran them. Microseconds per request.")
        L.append("")
        for name, title in (("BM_E2E_Baseline/create_user", "before"), ("BM_E2E/create_user", "after")):
            rows = statements.get(name)
            if rows is None:
                continue
            top = sum(r["plan_us"] + r["exec_us"] for r in rows if r["toplevel"])
            L.append(f"{title} (top-level total {top:,.1f} us):")
            L.append("")
            L.append("| statement | level | calls / request | planning | execution |")
            L.append("| --- | --- | ---: | ---: | ---: |")
            for r in rows[:8]:
                query = r["query"].replace("|", "\\|").replace("`", "'")
                L.append(f"| `{query}` | {'top' if r['toplevel'] else 'nested'} | {r['calls']:.2f} | "
                         f"{r['plan_us']:.1f} | {r['exec_us']:.1f} |")
            L.append("")
    if profile_pg:
        L.append("`perf record` (DWARF call graphs) on the PostgreSQL backend serving the bootstrap under test during "
                 "a one-sandbox run of the route; inclusive share of the backend's samples per named function "
                 "(`ExecConstraints` = the CHECK constraints, whose expressions `stringToNode` deserializes for "
                 "each statement; `ExecInsertIndexTuples` = the index entries; `AfterTriggerEndQuery` = the "
                 "foreign-key checks; `plpgsql_*` twice: `api.actor_id` runs inside `api.create_user`):")
        L.extend(code_block(profile_pg))
    return L


CONCURRENCY_LEVELS = (1, 2, 4, 8, 32)


def concurrency_section(conc, root, out_dir, nproc):
    """Managed Instances: one bootstrap serving C invocations at once; lines and the chart made."""
    rows = []
    for c in CONCURRENCY_LEVELS:
        b = first(conc, f"BM_Concurrency/c{c}/")
        if b and not b.get("error_occurred"):
            rows.append((c, b))
    if not rows:
        return [], []
    L = ["## Lambda Managed Instances: concurrent invocations in one process "
         "(`tests/bench/concurrency_bench.cpp`)", ""]
    L.append("One `bootstrap` (the deployment zip's) with `AWS_LAMBDA_MAX_CONCURRENCY` = C, so C workers, each "
             "with its own Runtime API connection, and a pool of min(C, 16) PostgreSQL connections. The emulator "
             "delivers up to C events at once; C driver threads keep one `GET /users?limit=50` each in flight. "
             "CPU = the whole bootstrap process's on-CPU time (all workers) divided by all invocations. "
             "*classic* is the same route with the variable unset: the single loop, as on classic Lambda. "
             "Microseconds.")
    L.append("")
    L.append("| C | invocations/s | bootstrap CPU / inv | duration p50 | p90 | p99 |")
    L.append("| ---: | ---: | ---: | ---: | ---: | ---: |")
    classic = first(conc, "BM_Concurrency/classic/")
    if classic and not classic.get("error_occurred"):
        L.append(f"| classic | {fmt(classic.get('items_per_second'), 0)} | {fmt(classic.get('bootstrap_cpu_us'), 1)} | "
                 f"{fmt(classic.get('duration_us_p50'), 0)} | {fmt(classic.get('duration_us_p90'), 0)} | "
                 f"{fmt(classic.get('duration_us_p99'), 0)} |")
    for c, b in rows:
        L.append(f"| {c} | {fmt(b.get('items_per_second'), 0)} | {fmt(b.get('bootstrap_cpu_us'), 1)} | "
                 f"{fmt(b.get('duration_us_p50'), 0)} | {fmt(b.get('duration_us_p90'), 0)} | "
                 f"{fmt(b.get('duration_us_p99'), 0)} |")
    L.append("")
    L.append(f"With C > 1 the percentiles are averaged over the C driver threads. This machine has {nproc} cores "
             "for the bootstrap, PostgreSQL, the emulator and the driver, so invocations/s flattens once they are "
             "busy and the duration then grows with the queue; on a Managed Instance the function gets the "
             "instance's vCPUs to itself. CPU per invocation is what concurrency costs the function.")
    L.append("")
    made = []
    data = os.path.join(out_dir, ".concurrency.dat")
    os.makedirs(out_dir, exist_ok=True)
    with open(data, "w") as f:
        for c, b in rows:
            f.write(f"{c} {b.get('items_per_second', 0):.1f} {b.get('bootstrap_cpu_us', 0):.2f}\n")
    png = os.path.join(out_dir, "concurrency.png")
    ok = gnuplot(f"""
set terminal pngcairo noenhanced size 1000,520 font "sans,10"
set output "{png}"
set title "One bootstrap, AWS_LAMBDA_MAX_CONCURRENCY = C: GET /users?limit=50 ({nproc} cores shared with PostgreSQL and the emulator)"
set xlabel "C (concurrent invocations)"
set ylabel "invocations / s"
set y2label "bootstrap CPU per invocation (us)"
set logscale x 2
set xtics (1, 2, 4, 8, 32)
set ytics nomirror
set y2tics
set grid ytics
set yrange [0:*]
set y2range [0:*]
set key top left
plot "{data}" using 1:2 with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "invocations / s", \\
     "" using 1:3 axes x1y2 with linespoints lw 2 pt 5 lc rgb "#d95f02" title "CPU / invocation (us)"
""")
    os.remove(data)
    if ok:
        made.append(png)
        L.append(f"![concurrency.png]({os.path.relpath(png, root)})")
        L.append("")
    return L, made


def main():
    results, root = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    overhead = load(results, "invocation_overhead")
    e2e = load(results, "e2e")
    conc = load(results, "concurrency")
    cold = load(results, "cold_start")
    cold_base = load(results, "cold_start-baseline")
    mem = load(results, "memory")
    rt = load(results, "round_trips")
    micro = load(results, "micro")
    alloc = load_alloc(results, "alloc")
    alloc_base = load_alloc(results, "alloc-baseline")
    baseline_commit = read_text(results, "baseline-commit").strip()
    profile = read_text(results, "profile.txt")
    pg_statements = load_jsonl(results, "pg_statements.jsonl")
    m = machine(root)
    # bench.sh's record of the run: the report may be rewritten later from the same results.
    run = load_alloc(results, "run")
    if run:
        m.update(commit=run.get("commit", m["commit"]), date=run.get("date", m["date"]),
                 load=run.get("load", "").split() or m["load"])
    out_dir = os.path.join(root, "docs", "bench")
    made = charts(e2e, cold, cold_base, out_dir)

    trivial = [get(overhead, n, "time") for n in ("BM_TrivialRouteOverhead_RestV1", "BM_TrivialRouteOverhead_HttpV2")]
    trivial = [t for t in trivial if t is not None]
    trivial_v = max(trivial) if trivial else None
    warm = e2e.get(e2e_name("list_users_50", 1), {})
    warm_p50_ms = warm.get("duration_us_p50") / 1000 if warm else None
    warm_cpu_ms = warm.get("bootstrap_cpu_us") / 1000 if warm else None
    rts = first(rt, "BM_RoundTrips/list_users_50")
    rt_list = rts.get("round_trips") if rts else None
    cold_db = first(cold, COLD_DB) or {}
    cold_sec = first(cold, COLD_WARM) or {}
    init_ms = cold_db.get("init_ms_p50")
    first_sec = cold_sec.get("first_response_ms_p50")
    memb = first(mem, "BM_Memory") or {}
    peak_mib = memb.get("VmHWM_kib_peak") / 1024 if memb else None
    last_mark = max((int(k.rsplit("_", 1)[1]) for k in memb if k.startswith("RssAnon_kib_") and k[-1].isdigit()),
                    default=None)
    anon_mib = memb.get(f"RssAnon_kib_{last_mark}") / 1024 if last_mark else None
    growth = memb.get("VmRSS_growth_kib")
    anon_growth = memb.get("RssAnon_growth_kib")
    marks = sorted(int(k.rsplit("_", 1)[1]) for k in memb if k.startswith("VmRSS_kib_") and k[-1].isdigit())
    first_mark_text, last_mark_text = (f"{marks[0]:,}", f"{marks[-1]:,}") if marks else ("?", "?")

    L = []
    L.append("# Benchmarks")
    L.append("")
    L.append("Generated by `./bench.sh" + (" --quick" if quick else "") + "` (do not edit by hand). "
             "Speed and memory are measured and reported here, never asserted in tests; "
             "ctest only smoke-runs each driver (label `bench`).")
    L.append("")
    L.append(f"- Machine: {m['nproc']} CPUs, {m['cpu']}, {m['mem']} RAM, Linux {m['kernel']} (a VM); load average "
             f"{' / '.join(m['load'])} at the end of the run, the benchmark's own processes included")
    L.append(f"- Compiler: {m['compiler']}, Release (`-O3 -DNDEBUG`)")
    L.append(f"- Date: {m['date']}; commit {m['commit']}")
    under_test = os.environ.get("SHOPPULSE_BENCH_BOOTSTRAP", "")
    if under_test.endswith("package-root/bootstrap"):
        L.append("- `bootstrap` under test (end to end, cold start, memory): the deployment zip built by `./package.sh`, "
                 "unpacked and its top-level `bootstrap` executed, as Lambda runs it (the baseline's is an `sh` wrapper "
                 "around a bundled loader; this tree's is one static executable)")
    elif under_test:
        L.append(f"- `bootstrap` under test (end to end, cold start, memory): `{under_test}`")
    else:
        L.append("- `bootstrap` under test: the Release build tree's binary (not the deployment zip)")
    if quick:
        L.append("- **Quick pass** (`--quick`): few samples; run `./bench.sh` for the full numbers.")
    L.append("")
    L.extend(warm_path_section(e2e, alloc, alloc_base, baseline_commit, profile, quick))
    L.extend(pg_writes_section(pg_statements, read_text(results, "profile-pg.txt")))
    L.extend(cold_start_section(cold, cold_base, baseline_commit))
    L.append("## Targets")
    L.append("")
    L.append("| measure | target | measured | verdict |")
    L.append("| --- | --- | --- | --- |")
    L.append(f"| `bootstrap` overhead, trivial route, in-process (median of 5 repetitions, worst of REST v1 / HTTP v2) | < 20 us | "
             f"{fmt(trivial_v, 1, ' us')} | {verdict(trivial_v, 20)} |")
    L.append(f"| warm `GET /users?limit=50` through the emulator, billed duration p50 | < 0.5 ms | "
             f"{fmt(warm_p50_ms, 3, ' ms')} | {verdict(warm_p50_ms, 0.5)} |")
    L.append(f"| same, CPU time of `bootstrap` per invocation | < 0.2 ms | {fmt(warm_cpu_ms, 3, ' ms')} | "
             f"{verdict(warm_cpu_ms, 0.2)} |")
    L.append(f"| same, database round trips | 1 | {fmt(rt_list, 2)} | "
             f"{'met' if rt_list is not None and rt_list <= 1.0 else ('not measured' if rt_list is None else '**missed**')} |")
    L.append(f"| cold: exec -> first `/next`, median | < 10 ms | {fmt(init_ms, 2, ' ms')} | {verdict(init_ms, 10)} |")
    L.append(f"| cold: exec -> first completed `GET /users` incl. secret fetch + DB connection, median | < 20 ms | "
             f"{fmt(first_sec, 2, ' ms')} | {verdict(first_sec, 20)} |")
    L.append(f"| peak RSS (VmHWM) after {last_mark_text} invocations | < 16 MiB | "
             f"{fmt(peak_mib, 2, ' MiB')} | {verdict(peak_mib, 16)} |")
    L.append(f"| anonymous RSS (RssAnon) after {last_mark_text} invocations | < 4 MiB | "
             f"{fmt(anon_mib, 2, ' MiB')} | {verdict(anon_mib, 4)} |")
    flat = None if growth is None else (growth <= 64 and (anon_growth or 0) <= 64)
    L.append(f"| RSS growth {first_mark_text} -> {last_mark_text} invocations | flat | "
             f"VmRSS {fmt(growth, 0, ' KiB')}, RssAnon {fmt(anon_growth, 0, ' KiB')} | "
             f"{'not measured' if flat is None else ('met' if flat else '**missed**')} |")
    L.append("")
    loop = micro.get("BM_Machine_LoopbackRoundTrip/real_time") or {}
    loop_us = loop.get("real_time")
    loop_cpu_us = loop.get("cpu_time")
    rt50 = first(rt, "BM_RoundTrips/list_users_50")
    inproc_us = rt50.get("real_time") if rt50 else None
    if loop_us and warm:
        L.append("## Reading the numbers")
        L.append("")
        L.append(f"- **The machine's floor.** One TCP loopback round trip between two processes costs {fmt(loop_us, 0)} us "
                 f"here (`BM_Machine_LoopbackRoundTrip`), {fmt(loop_cpu_us, 0)} us of it CPU time charged to the sender "
                 "(the kernel runs the receiver's TCP path and the wake-up on the sender's CPU). On this VM waking a "
                 "sleeping process dominates. A warm database-backed invocation has three such hops: the event "
                 "arriving on `/next`, the PostgreSQL round trip, the `/response` post. That is "
                 f"{fmt(3 * loop_us / 1000, 2, ' ms')} of wall time and {fmt(3 * loop_cpu_us / 1000, 2, ' ms')} of "
                 "CPU before any work is done, against targets of 0.5 ms and 0.2 ms for the whole invocation.")
        if inproc_us:
            parse = (micro.get("BM_ParseEvent_RestV1") or {}).get("real_time")
            parse_dom = (micro.get("BM_ParseEvent_RestV1_NlohmannDom") or {}).get("real_time")
            gzip = (micro.get("BM_Gzip_UserList50") or {}).get("real_time")
            L.append(f"- **Where `GET /users?limit=50` goes:** billed p50 {fmt(warm.get('duration_us_p50'), 0)} us, "
                     f"{fmt(warm.get('bootstrap_cpu_us'), 0)} us of it the bootstrap's CPU and "
                     f"{fmt(warm.get('pg_time_us'), 0)} us PostgreSQL's planning and execution. In process, with its "
                     f"one pipelined PostgreSQL round trip but no Runtime API, the route takes {fmt(inproc_us, 0)} us "
                     f"(`BM_RoundTrips`). The bootstrap's own steps are small next to the hops: the event parse "
                     f"{fmt(parse, 1)} us for a 5.5 KB REST event (an nlohmann DOM of it: {fmt(parse_dom, 0)} us), "
                     f"gzip of the page {fmt(gzip, 0)} us (micro table below); the profile above shows the kernel's "
                     "TCP and wake-up work as the largest share.")
        L.append("- **What changed on the warm path** (the before/after table): the Runtime API client is a "
                 "blocking HTTP/1.1 client on one socket (no poll loop, one send per request, the payload posted "
                 "without a copy); the event is parsed once into a flat node array with strings as views; "
                 "everything an invocation allocates comes from one arena released after it; PostgreSQL gets one "
                 "function call per request after the transaction settings, in one pipeline, and reuses its plans; "
                 "rows come back in binary and are rendered in C++ (no `to_char()`); the access log is written "
                 "after the response is posted.")
        write_split = ""
        before_rows = pg_statements.get("BM_E2E_Baseline/create_user") or []
        after_rows = pg_statements.get("BM_E2E/create_user") or []
        if before_rows and after_rows:
            def total(rows, key):
                return sum(r[key] for r in rows if r["toplevel"])
            write_split = (f" In the breakdown above the baseline spent {fmt(total(before_rows, 'plan_us'), 0)} us "
                           f"planning and {fmt(total(before_rows, 'exec_us'), 0)} us executing; after, planning is "
                           f"{fmt(total(after_rows, 'plan_us'), 0)} us and execution "
                           f"{fmt(total(after_rows, 'exec_us'), 0)} us: the execution is the inserts themselves, "
                           "which the baseline ran too.")
        L.append("- **Why writes gained less in PostgreSQL:** a user write and its audit row insert two heap rows "
                 "and nine index entries, check two foreign keys (each takes a row lock on the tenant) and "
                 "evaluate thirteen CHECK constraints, whose expressions PostgreSQL 15 deserializes and prepares "
                 "again for every statement that writes the table (`ExecConstraints` in the PostgreSQL profile "
                 "above). Parsing and planning were what the function calls removed; that work remains."
                 + write_split + " Halving it would mean dropping database-side checks the API also makes (the "
                 "CHECK constraints are the last line of defence for every writer, so they stay) or indexes that "
                 "serve the audit trail's filters. The QuickSight route is two round trips (policy, then audit "
                 "after the AWS call) and its time is the AWS call.")
        L.append("- **How each database access avoids pinning RDS Proxy sessions:** the tenant, statement timeout "
                 "and read-only flag are `set_config(..., true)` calls (transaction-local, not `SET`) in the same "
                 "pipeline as the request, whose implicit transaction the Sync ends; every statement is an unnamed "
                 "extended-protocol statement (`PQsendQueryParams`); plans are cached by PL/pgSQL inside the "
                 "`api.*` functions, per backend, invisible to the proxy (no `PREPARE`, no named protocol "
                 "statements); no advisory locks, temp tables or session settings on any request path; the health "
                 "check is an empty statement. The one exception is the operator's `{\"action\":\"migrate\"}`, "
                 "which takes a transaction-scoped advisory lock once per deployment.")
        first_cost = ""
        base_db = first(cold_base, COLD_DB) or {}
        if cold_db.get("first_duration_ms_p50") and base_db.get("first_duration_ms_p50"):
            first_cost = (" (in the cold-start table below the first invocation's median takes "
                          f"{fmt(cold_db['first_duration_ms_p50'] - base_db['first_duration_ms_p50'], 1)} ms more "
                          "than the baseline's, which parsed and planned plain SQL)")
        L.append("- **A new backend's first calls cost more:** PL/pgSQL is loaded and each function compiled on "
                 f"its first call in a backend{first_cost}. With RDS Proxy that is once per proxy connection, "
                 "shared by many sandboxes; with a direct connection it is once per sandbox.")
        L.append("- **Cold start:** init (exec -> first `/next`) is reading configuration and the secret; the static "
                 "`bootstrap` maps one file where the old layout ran `sh`, a loader and ~21 shared libraries (see "
                 "*files opened*). The database handshake (TCP, SCRAM, the new "
                 "backend) runs on a background thread while the runtime asks for its first event, and the first "
                 "invocation waits for it. The Secrets Manager fetch stays in init, so a Secrets Manager outage "
                 "at init is an init error that Lambda retries.")
        L.append("")
    if made:
        L.append("## Charts")
        L.append("")
        for png in made:
            rel = os.path.relpath(png, root)
            L.append(f"![{os.path.basename(png)}]({rel})")
            L.append("")

    L.append("## End to end through the Runtime API (`tests/bench/e2e_bench.cpp`)")
    L.append("")
    L.append("Real `bootstrap` under the local runtime emulator, recorded REST v1 events, real PostgreSQL 15 "
             "(seeded clone), QuickSight via the SigV4-verifying local stand-in. *duration* = event delivered on "
             "`/next` -> response received (what Lambda bills); *total* adds the emulator's hand-off. "
             "CPU = the bootstrap process's on-CPU time per invocation, all threads, from the scheduler's exact "
             "account (`/proc/<pid>/task/*/schedstat`); PostgreSQL = planning + execution time of the statements "
             "the requests ran (`pg_stat_statements`), per request, one-sandbox rows only. "
             "A full run reports the median of 3 repetitions of each row. Microseconds.")
    L.append("")
    L.append("| route | sandboxes | duration p50 | p90 | p99 | mean | total p50 | bootstrap CPU / inv | "
             "PostgreSQL / request | invocations/s |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for route, label in E2E_ROUTES:
        for n in (1, 2, 4):
            b = e2e.get(e2e_name(route, n))
            if not b:
                continue
            if b.get("error_occurred"):
                L.append(f"| {label} | {n} | error: {b.get('error_message', '')[:80]} | | | | | | | |")
                continue
            L.append(f"| {label} | {n} | {fmt(b.get('duration_us_p50'), 0)} | {fmt(b.get('duration_us_p90'), 0)} | "
                     f"{fmt(b.get('duration_us_p99'), 0)} | {fmt(b.get('duration_us_mean'), 0)} | "
                     f"{fmt(b.get('total_us_p50'), 0)} | {fmt(b.get('bootstrap_cpu_us'), 0)} | "
                     f"{fmt(b.get('pg_time_us'), 0) if n == 1 else ''} | {fmt(b.get('items_per_second'), 0)} |")
    L.append("")
    L.append("With N > 1 the percentiles are averaged over the N sandboxes; invocations/s is the sum. "
             f"The machine has {m['nproc']} cores for the N bootstraps, the emulators, the driver threads "
             "and PostgreSQL, so throughput stops scaling early. One sandbox is often slower per invocation "
             "than two: with one request in flight the vCPUs go idle between hops, and waking an idle vCPU is "
             "what costs most on this VM; the spread between runs of `./bench.sh` is large for the same reason.")
    L.append("")

    conc_lines, _ = concurrency_section(conc, root, out_dir, m["nproc"])
    L.extend(conc_lines)

    L.append("## Cold start (`tests/bench/cold_start_bench.cpp`)")
    L.append("")
    L.append("One iteration = a new sandbox with `GET /users?limit=50` queued, timed by the emulator: fork/exec "
             "of `bootstrap` -> its first `/next` (init, as Lambda's Init phase), and init + the first "
             "invocation's duration = the first completed response (the database handshake, started in the "
             "background during init, is awaited by the first invocation; then PostgreSQL's first query on a "
             "new backend, whose planning and execution time is the PostgreSQL column). *cold disk*: the page "
             "cache dropped before each start (see above). Milliseconds.")
    L.append("")
    L.append("| variant | runs | init p50 | init p90 | first response p50 | first response p90 | "
             "first invocation duration p50 | PostgreSQL in the first invocation p50 |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    variants = ((COLD_DB, "`DATABASE_URL`"),
                (COLD_DB_NO_EXTENSION, "`DATABASE_URL`, no extension registration (`SHUTDOWN_EXTENSION_ENABLED=false`)"),
                (COLD_WARM, "`RDS_SECRET_ARN` via Secrets Manager stand-in"),
                (COLD_WARM_NO_EXTENSION, "`RDS_SECRET_ARN` via Secrets Manager stand-in, no extension registration"),
                (COLD_TLS, "`RDS_SECRET_ARN` via Secrets Manager stand-in over TLS"),
                (COLD_DISK, "`RDS_SECRET_ARN` via Secrets Manager stand-in, cold disk"))
    for data, who in ((cold, ""), (cold_base, "baseline, ")):
        for key, label in variants:
            b = first(data, key)
            if b and not b.get("error_occurred"):
                L.append(f"| {who}{label} | {fmt(b.get('runs'), 0)} | {fmt(b.get('init_ms_p50'), 2)} | "
                         f"{fmt(b.get('init_ms_p90'), 2)} | {fmt(b.get('first_response_ms_p50'), 2)} | "
                         f"{fmt(b.get('first_response_ms_p90'), 2)} | {fmt(b.get('first_duration_ms_p50'), 2)} | "
                         f"{fmt(b.get('first_pg_ms_p50'), 2)} |")
    L.append("")
    L.extend(extension_registration_lines(cold))

    L.append("## Memory (`tests/bench/memory_bench.cpp`)")
    L.append("")
    L.append("One warm bootstrap, a rotating mix (list 50 x4, get user x2, health, audit logs, create user, "
             "QuickSight embed per 10 invocations); `/proc/<pid>/status` at each checkpoint. KiB.")
    L.append("")
    if memb:
        L.append("| invocations | VmHWM (peak RSS) | VmRSS | RssAnon |")
        L.append("| ---: | ---: | ---: | ---: |")
        L.append(f"| after init | | {fmt(memb.get('VmRSS_kib_init'), 0)} | {fmt(memb.get('RssAnon_kib_init'), 0)} |")
        for mark in marks:
            L.append(f"| {mark:,} | {fmt(memb.get(f'VmHWM_kib_{mark}'), 0)} | {fmt(memb.get(f'VmRSS_kib_{mark}'), 0)} | "
                     f"{fmt(memb.get(f'RssAnon_kib_{mark}'), 0)} |")
        L.append("")
        L.append(f"Bootstrap CPU per invocation over the mix: {fmt(memb.get('bootstrap_cpu_us'), 0)} us.")
    else:
        L.append("not measured")
    L.append("")

    L.append("## Database round trips (`tests/bench/round_trips_bench.cpp`)")
    L.append("")
    L.append("`handlers::Application` in-process with a real `db::Pool` (bootstrap's own code, minus the Runtime "
             "API), `PoolStats::round_trips` per invocation; time = in-process route cost including PostgreSQL.")
    L.append("")
    L.append("| route | round trips / invocation | target | time / invocation (us) |")
    L.append("| --- | ---: | ---: | ---: |")
    for key, label, target in (("health", "GET /health (DB check)", "1"), ("list_users_50", "GET /users?limit=50", "1"),
                               ("get_user", "GET /users/{id}", "1"), ("create_user", "POST /users (+audit row)", "1"),
                               ("audit_logs_filtered", "GET /audit-logs (filtered)", "1"),
                               ("quicksight_embed_url", "POST /quicksight/embed-url (+audit row)", "1-2")):
        b = first(rt, f"BM_RoundTrips/{key}")
        if b:
            L.append(f"| {label} | {fmt(b.get('round_trips'), 2)} | {target} | {fmt(b.get('real_time'), 0)} |")
    L.append("")

    tracing = {mode: get(overhead, f"BM_Tracing_{mode}", "time") for mode in ("Off", "Unsampled", "Sampled")}
    if all(v is not None for v in tracing.values()):
        L.append("## X-Ray tracing overhead (`tests/bench/invocation_overhead_bench.cpp`, in-process)")
        L.append("")
        L.append("One `GET /health` invocation (no database) through the adapter, wall time per invocation on one core. "
                 "Sampled: the handler's subsegment rendered and sent over UDP to a local listener after the "
                 "response; a route with k database or AWS calls sends k more documents in the same `sendmmsg(2)`.")
        L.append("")
        L.append("| tracing | us / invocation | vs off (us) | target |")
        L.append("| --- | ---: | ---: | --- |")
        off = tracing["Off"]
        for mode, label, target in (("Off", "off (`TRACING_ENABLED=false` or no daemon)", "a branch"),
                                    ("Unsampled", "on, `Sampled=0`", "a branch"),
                                    ("Sampled", "on, `Sampled=1`", "< 10 us")):
            L.append(f"| {label} | {fmt(tracing[mode], 2)} | {fmt(tracing[mode] - off, 2)} | {target} |")
        L.append("")

    L.append("## Micro benchmarks (`tests/bench/micro_bench.cpp`, `tests/bench/invocation_overhead_bench.cpp`)")
    L.append("")
    L.append("| benchmark | time / op (us) | note |")
    L.append("| --- | ---: | --- |")
    for d in (overhead, micro):
        for name, b in d.items():
            note = ""
            if "output_bytes" in b:
                note = f"{int(b['input_bytes'])} -> {int(b['output_bytes'])} bytes"
            L.append(f"| {name} | {fmt(b.get('real_time'), 2)} | {note} |")
    L.append("")
    L.append("Raw Google Benchmark JSON: `build/bench/results/*.json` after a run.")
    L.append("")
    with open(os.path.join(root, "BENCHMARKS.md"), "w") as f:
        f.write("\n".join(L))
    print("bench-report: wrote BENCHMARKS.md and", ", ".join(os.path.relpath(p, root) for p in made))


if __name__ == "__main__":
    main()
