#!/usr/bin/env python3
"""The benchmark harness behind `./tollgate bench` (see docs/performance.md).

Runs, in one go on this machine: the load benchmark (a fixed-reply upstream on loopback; the upstream alone as the
floor, Tollgate's local server with in-memory stores and with the DynamoDB stores on moto, Portkey's gateway and
LiteLLM's proxy; wrk as the load generator in its own process), the cold-start measurements, the DynamoDB
round-trip benchmark and the JMH micro-benchmarks; prints a results table and writes it into docs/performance.md
between the markers. Only the standard library: the wrapper script has already installed and built what it needs
and passes the paths in the environment (BENCH_*).
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / ".bench"
BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"
KEY = "tg-bench-key"
LITELLM_MASTER_KEY = "sk-tollgate-bench-" + hashlib.sha256(b"litellm").hexdigest()
KEY_SHA256 = hashlib.sha256(KEY.encode()).hexdigest()
# What `./tollgate local` ships: a long-running server, so the full tiered JIT (C2 included), and a bounded heap.
LOCAL_FLAGS = ["-XX:+UseSerialGC", "-Xmx128m"]
# What the Lambda function ships (functions/router/run.sh): C1 only, as SnapStart priming leaves no C2 code to
# snapshot and each restored environment would pay for C2's compilation (docs/performance.md).
JVM_FLAGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
LOCAL_LABEL = "SerialGC + full JIT + -Xmx128m + AppCDS (./tollgate local)"
LAMBDA_LABEL = "SerialGC + C1 (Lambda, shipped)"
JVM_SYSTEMS = ("passthrough", "tollgate", "tollgate-c1", "tollgate-dynamodb")
BODY = {"model": "bench", "messages": [{"role": "user", "content": "Say something short."}], "max_tokens": 64}

# The targets (issue 9), checked against the measured figures.
TARGET_ADDED_MS = 0.5
TARGET_P99_MS = 2.0
TARGET_THROUGHPUT_X_PORTKEY = 4.0
TARGET_RSS_MB = 256
TARGET_COLD_MS = 1000
TARGET_JMH_US = 50


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def env(name, default=None):
    value = os.environ.get(name)
    return value if value else default


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- processes -------------------------------------------------------------------------------------------------


class Service:
    """A process the harness started (in its own process group), with its log file."""

    def __init__(self, name, command, environment=None, cwd=None):
        self.name = name
        self.log_path = WORK / "logs" / f"{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = open(self.log_path, "wb")
        full_env = dict(os.environ)
        full_env.update(environment or {})
        self.process = subprocess.Popen(command, stdout=self.log_file, stderr=subprocess.STDOUT, env=full_env,
                                        cwd=cwd, start_new_session=True)

    def alive(self):
        return self.process.poll() is None

    def wait_http(self, url, timeout=90, method="GET", data=None, headers=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited during startup: {self.tail()}")
            try:
                request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {url} within {timeout}s: {self.tail()}")

    def tail(self, lines=15):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def peak_rss_mb(self):
        """Peak resident set (VmHWM) summed over the process group: node and Python servers may fork helpers."""
        total = 0
        for pid in group_pids(self.process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return round(total / 1024, 1)

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the process group."""
        ticks = 0
        for pid in group_pids(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def group_pids(pgid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return pids


# --- systems under test ----------------------------------------------------------------------------------------


def tollgate_config(upstream_port, with_key):
    keys = f"keys:\n  - {{id: bench, sha256: {KEY_SHA256}}}\n" if with_key else ""
    path = WORK / f"tollgate-{'key' if with_key else 'nokey'}.yaml"
    path.write_text(f"""models:
  - name: bench
    targets:
      - provider: openai
        model: gpt-4o-mini
        base_url: http://127.0.0.1:{upstream_port}/v1
        credential: none
{keys}""")
    return path


def start_system(name, upstream_port, context):
    """Starts one system; returns (service or None, base URL of its chat endpoint, headers)."""
    auth = [f"Authorization: Bearer {KEY}"]
    if name == "floor":
        return None, f"http://127.0.0.1:{upstream_port}/v1/chat/completions", auth
    port = free_port()
    java = str(Path(env("JAVA_HOME")) / "bin" / "java")
    if name in ("tollgate", "tollgate-c1", "tollgate-dynamodb"):
        environment = {"PORT": str(port), "TOLLGATE_CONFIG": str(tollgate_config(upstream_port,
                                                                                   name != "tollgate-dynamodb"))}
        # tollgate-c1: the Lambda function's C1-only JIT with the same heap, to show what that flag costs here.
        flags = JVM_FLAGS + LOCAL_FLAGS[1:] if name == "tollgate-c1" else LOCAL_FLAGS
        if name == "tollgate-dynamodb":
            environment.update(context["dynamo_env"])
        service = Service(name, [java, *flags, "-jar", env("BENCH_ROUTER_JAR")], environment)
        service.wait_http(f"http://127.0.0.1:{port}/health")
        return service, f"http://127.0.0.1:{port}/v1/chat/completions", auth
    if name == "passthrough":
        # The bare Java pass-through (issue 9): the same JDK server and client and JVM flags, forwarding bytes.
        flags = LOCAL_FLAGS
        service = Service(name, [java, *flags, "-cp", env("BENCH_JAR"), "dev.tollgate.bench.Passthrough"],
                          {"PORT": str(port), "UPSTREAM": f"http://127.0.0.1:{upstream_port}"})
        service.wait_http(f"http://127.0.0.1:{port}/health")
        return service, f"http://127.0.0.1:{port}/v1/chat/completions", auth
    if name == "portkey":
        service = Service(name, ["node", env("BENCH_PORTKEY_ENTRY"), f"--port={port}", "--headless"],
                          {"NODE_ENV": "production"})
        service.wait_http(f"http://127.0.0.1:{port}/")
        return service, f"http://127.0.0.1:{port}/v1/chat/completions", auth + [
            "x-portkey-provider: openai", f"x-portkey-custom-host: http://127.0.0.1:{upstream_port}/v1"]
    if name == "litellm":
        config = WORK / "litellm.yaml"
        config.write_text(f"""model_list:
  - model_name: bench
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:{upstream_port}/v1
      api_key: sk-bench
litellm_settings:
  telemetry: false
""")
        service = Service(name, [env("BENCH_LITELLM_BIN"), "--config", str(config), "--host", "127.0.0.1",
                                 "--port", str(port), "--telemetry", "False"],
                          {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR",
                           "DISABLE_SCHEMA_UPDATE": "True", "LITELLM_MASTER_KEY": LITELLM_MASTER_KEY})
        service.wait_http(f"http://127.0.0.1:{port}/health/liveliness", timeout=180)
        # The proxy refuses to start without a master key; callers present it as their key.
        return service, f"http://127.0.0.1:{port}/v1/chat/completions", [
            f"Authorization: Bearer {LITELLM_MASTER_KEY}"]
    raise ValueError(name)


def unavailable(name):
    """Why a peer cannot run here (its install failed), or None."""
    if name == "portkey" and not env("BENCH_PORTKEY_ENTRY"):
        return env("BENCH_PORTKEY_ERROR", "not installed")
    if name == "litellm" and not env("BENCH_LITELLM_BIN"):
        return env("BENCH_LITELLM_ERROR", "not installed")
    return None


# --- wrk -------------------------------------------------------------------------------------------------------


def measured_wrk(service, upstream, url, headers, body_file, connections, seconds):
    """A wrk point, with the CPU time per request of the system under test and of the upstream during it."""
    before = (service.cpu_seconds() if service else 0, upstream.cpu_seconds())
    result = wrk(url, headers, body_file, connections, seconds)
    done = max(result["requests"], 1)
    result["cpu_ms_per_req"] = (service.cpu_seconds() - before[0]) * 1000 / done if service else None
    result["upstream_cpu_ms_per_req"] = (upstream.cpu_seconds() - before[1]) * 1000 / done
    return result


def wrk(url, headers, body_file, connections, seconds):
    threads = 1 if connections == 1 else 2
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(HERE / "chat.lua"), url, "--", str(body_file), *headers]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            result = json.loads(line[6:])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0
            result["ok_rps"] = (result["requests"] - result["non2xx"]) / (result["duration_us"] / 1e6) \
                if result["duration_us"] else 0
            return result
    raise RuntimeError(f"wrk printed no summary: {out.stdout}\n{out.stderr}")


def probe(url, headers, body):
    """One request with curl-like strictness: the status and the first bytes of the answer (for error reports)."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers=dict(h.split(": ", 1) for h in headers) | {
                                         "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()[:300].decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300].decode(errors="replace")
    except OSError as e:
        return 0, str(e)


def run_load(args, context):
    bodies = {}
    for mode in ("plain", "stream"):
        body = dict(BODY)
        if mode == "stream":
            body["stream"] = True
        path = WORK / f"body-{mode}.json"
        path.write_text(json.dumps(body))
        bodies[mode] = path
    results = {}
    upstream_port = context["upstream_port"]
    order = [s for s in args.systems.split(",") if s]
    for name in order:
        reason = unavailable(name)
        if reason:
            log(f"{name}: unavailable: {reason}")
            results[name] = {"unavailable": reason}
            continue
        if name == "tollgate-dynamodb" and not context.get("dynamo_env"):
            results[name] = {"unavailable": context.get("dynamo_error", "moto not started")}
            continue
        log(f"{name}: starting")
        try:
            service, url, headers = start_system(name, upstream_port, context)
        except Exception as e:  # noqa: BLE001 - a peer that cannot start is reported, the run goes on
            log(f"{name}: could not start: {e}")
            results[name] = {"unavailable": f"could not start: {str(e)[:500]}"}
            continue
        entry = {"points": {}, "probe": {}}
        try:
            for mode in ("plain", "stream"):
                status, text = probe(url, headers, bodies[mode].read_bytes())
                entry["probe"][mode] = {"status": status, "body": text}
                if status != 200:
                    log(f"{name} {mode}: probe answered {status}: {text[:200]}")
                # A JVM's C2 needs tens of seconds of load on two cores before the hot path is compiled (the
                # streaming path is partly its own); its warm-ups are longer so that the points measure the
                # long-running server, not the compiler.
                warmup = max(args.warmup, args.jit_warmup) if name in JVM_SYSTEMS else args.warmup
                log(f"{name} {mode}: warm-up {warmup}s")
                # In three runs (c=10, c=1, c=10), not one: the first time wrk closes its connections the server
                # takes paths (end of stream, closing sockets) that C2 compiled as never taken, and about a
                # hundred compiled methods are thrown away at once; in one long run that happened as the c=1
                # point began, which then measured their recompilation (a max of 30-40 ms, p99 +1-2 ms).
                for c, share in ((10, 0.4), (1, 0.2), (10, 0.4)):
                    wrk(url, headers, bodies[mode], c, max(1, round(warmup * share)))
                for c in (1, 10, 50):
                    points = []
                    for _ in range(args.repeat):
                        points.append(measured_wrk(service, context["upstream"], url, headers, bodies[mode], c,
                                                   args.duration))
                    entry["points"][f"{mode}/c{c}"] = points
                    best = median_point(points)
                    cpu = best["cpu_ms_per_req"] if best["cpu_ms_per_req"] is not None else \
                        best["upstream_cpu_ms_per_req"]
                    log(f"{name} {mode} c={c}: {best['rps']:.0f} req/s, p50 {best['p50_us']} us, "
                        f"p99 {best['p99_us']} us, non-2xx {best['non2xx']}, CPU {cpu:.3f} ms/req")
            if service:
                entry["peak_rss_mb"] = service.peak_rss_mb()
        finally:
            if service:
                service.stop()
        results[name] = entry
    # The floor again at the end, at c=1: the machine's load drifts (shared builds), so the floor is the mean of both.
    if "floor" in results and "points" in results["floor"]:
        url = f"http://127.0.0.1:{upstream_port}/v1/chat/completions"
        headers = [f"Authorization: Bearer {KEY}"]
        for mode in ("plain", "stream"):
            again = [measured_wrk(None, context["upstream"], url, headers, bodies[mode], 1, args.duration)
                     for _ in range(args.repeat)]
            results["floor"]["points"][f"{mode}/c1-end"] = again
    return results


def median_point(points):
    ordered = sorted(points, key=lambda p: p["rps"])
    return ordered[len(ordered) // 2]


# --- cold start ------------------------------------------------------------------------------------------------


def run_coldstart(args, context):
    tool = env("BENCH_TOOL")
    java = str(Path(env("JAVA_HOME")) / "bin" / "java")
    jar = env("BENCH_ROUTER_JAR")
    archive = WORK / "tollgate-appcds.jsa"
    if archive.exists():
        archive.unlink()
    config = tollgate_config(context["upstream_port"], True)
    body = WORK / "body-plain.json"
    body.write_text(json.dumps(BODY))
    local_archive = WORK / "tollgate-local-appcds.jsa"
    if local_archive.exists():
        local_archive.unlink()
    variants = {
        "jvm defaults": [],
        "SerialGC + full JIT + -Xmx128m, no AppCDS": LOCAL_FLAGS,
        # As `./tollgate local` starts it: the same flags and an archive written by an earlier run.
        LOCAL_LABEL: LOCAL_FLAGS + ["-XX:+AutoCreateSharedArchive", f"-XX:SharedArchiveFile={local_archive}"],
        LAMBDA_LABEL: JVM_FLAGS,
        "SerialGC + C1 + AppCDS": JVM_FLAGS + ["-XX:+AutoCreateSharedArchive", f"-XX:SharedArchiveFile={archive}"],
    }
    results = {"local": {}, "lambda": {}}
    for label, flags in variants.items():
        runs = []
        for i in range(args.cold_repeat + (1 if "AppCDS" in label else 0)):
            port = free_port()
            command = [tool, "coldstart", "-health", f"http://127.0.0.1:{port}/health",
                       "-chat", f"http://127.0.0.1:{port}/v1/chat/completions", "-body", str(body),
                       "-header", f"Authorization: Bearer {KEY}", "--", java, *flags, "-jar", jar]
            out = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                 env=dict(os.environ, PORT=str(port), TOLLGATE_CONFIG=str(config)))
            if out.returncode != 0:
                raise RuntimeError(f"cold start ({label}) failed: {out.stderr[-500:]}")
            if "AppCDS" in label and i == 0:
                continue  # the first run writes the archive; only runs that use it count
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        results["local"][label] = runs
        log(f"cold start local ({label}): " + ", ".join(f"{r['health_ms']:.0f}/{r['chat_ms']:.0f} ms" for r in runs))
    lambda_cp = env("BENCH_LAMBDA_CLASSPATH")
    event = ROOT / "events" / "chat-completion.json"
    lambda_archive = WORK / "tollgate-lambda-appcds.jsa"
    if lambda_archive.exists():
        lambda_archive.unlink()
    lambda_variants = {
        "jvm defaults": [],
        LAMBDA_LABEL: JVM_FLAGS,
        "SerialGC + C1 + AppCDS": JVM_FLAGS + ["-XX:+AutoCreateSharedArchive",
                                               f"-XX:SharedArchiveFile={lambda_archive}"],
    }
    for label, flags in lambda_variants.items():
        runs = []
        for i in range(args.cold_repeat + (1 if "AppCDS" in label else 0)):
            command = [tool, "coldstart", "-ready", "READY", "--", java, *flags, "-cp", lambda_cp,
                       "dev.tollgate.bench.LambdaColdStart", str(event)]
            out = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                 env={k: v for k, v in os.environ.items() if k != "TOLLGATE_CONFIG"})
            if out.returncode != 0:
                raise RuntimeError(f"Lambda cold start ({label}) failed: {out.stderr[-500:]}")
            if "AppCDS" in label and i == 0:
                continue
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        results["lambda"][label] = runs
        log(f"cold start Lambda handler ({label}): " + ", ".join(f"{r['ready_ms']:.0f} ms" for r in runs))
    results["class_loading"] = class_loading(java, jar, config, body, tool)
    return results


def class_loading(java, jar, config, body, tool):
    """Classes loaded from JVM start to the first served chat completion, by package and by source."""
    log_file = WORK / "class-load.log"
    port = free_port()
    command = [tool, "coldstart", "-health", f"http://127.0.0.1:{port}/health",
               "-chat", f"http://127.0.0.1:{port}/v1/chat/completions", "-body", str(body),
               "-header", f"Authorization: Bearer {KEY}", "--", java, *JVM_FLAGS,
               f"-Xlog:class+load=info:file={log_file}", "-jar", jar]
    subprocess.run(command, capture_output=True, text=True, timeout=120,
                   env=dict(os.environ, PORT=str(port), TOLLGATE_CONFIG=str(config)), check=True)
    by_package, by_source, total = {}, {}, 0
    pattern = re.compile(r"\]\s(\S+) source: (.*)$")
    for line in log_file.read_text(errors="replace").splitlines():
        match = pattern.search(line)
        if not match:
            continue
        total += 1
        name, source = match.groups()
        parts = name.split(".")
        depth = 3 if parts[0] in ("software", "com", "org", "dev", "sun", "jdk") else 2
        package = ".".join(parts[:min(depth, len(parts) - 1)]) or name
        by_package[package] = by_package.get(package, 0) + 1
        kind = ("CDS archive" if "shared" in source else "JDK modules (jrt)" if source.startswith("jrt:")
                else "application jar" if ".jar" in source
                else "generated at run time (lambdas, proxies, hidden classes)")
        by_source[kind] = by_source.get(kind, 0) + 1
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:15]
    return {"total": total, "top_packages": top, "by_source": sorted(by_source.items(), key=lambda kv: -kv[1])}


# --- DynamoDB round trips and JMH (Java, in the bench module) ---------------------------------------------------


def run_roundtrips(args, context):
    if not context.get("dynamo_env"):
        return {"unavailable": context.get("dynamo_error", "moto not started")}
    java = str(Path(env("JAVA_HOME")) / "bin" / "java")
    out = subprocess.run([java, *JVM_FLAGS, "-cp", env("BENCH_LAMBDA_CLASSPATH"), "dev.tollgate.bench.DynamoDbRoundTrips",
                          str(args.roundtrip_requests)], capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, AWS_ENDPOINT_URL=context["aws_endpoint"]))
    if out.returncode != 0:
        raise RuntimeError(f"round-trip benchmark failed: {out.stderr[-2000:]}")
    print(out.stderr, file=sys.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_jmh(args):
    """All benchmarks on JVM defaults (C2), then the target one with the flags the Lambda function ships with."""
    java = str(Path(env("JAVA_HOME")) / "bin" / "java")
    rows = []
    for label, selector, jvm_args in (("C2 (JVM defaults)", ".*", None),
                                      ("C1 + SerialGC (Lambda, shipped)", "chatCompletion$", " ".join(JVM_FLAGS))):
        result_file = WORK / "jmh.json"
        command = [java, "-jar", env("BENCH_JMH_JAR"), selector, "-prof", "gc",
                   "-prof", "dev.tollgate.bench.ThreadCpuProfiler", "-rf", "json", "-rff", str(result_file),
                   "-f", "1", "-wi", str(args.jmh_warmup), "-w", "2s", "-i", str(args.jmh_iterations), "-r", "2s"]
        if jvm_args:
            command += ["-jvmArgsAppend", jvm_args]
        log("JMH: " + " ".join(command[1:]))
        out = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        (WORK / "logs").mkdir(exist_ok=True)
        (WORK / "logs" / f"jmh-{len(rows)}.log").write_text(out.stdout + out.stderr)
        if out.returncode != 0:
            raise RuntimeError(f"JMH failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")
        for bench in json.loads(result_file.read_text()):
            primary = bench["primaryMetric"]
            secondary = bench.get("secondaryMetrics", {})
            rows.append({"benchmark": bench["benchmark"].rsplit(".", 1)[-1], "jvm": label,
                         "us_per_op": primary["score"], "error": primary["scoreError"],
                         "cpu_us_per_op": secondary.get("cpu.time.per.op", {}).get("score"),
                         "cpu_error": secondary.get("cpu.time.per.op", {}).get("scoreError"),
                         "bytes_per_op": secondary.get("gc.alloc.rate.norm", {}).get("score")})
    return rows


# --- report ----------------------------------------------------------------------------------------------------


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()
    java = subprocess.run([str(Path(env("JAVA_HOME")) / "bin" / "java"), "-version"], capture_output=True,
                          text=True).stderr.splitlines()[0]
    return (f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}; {java}; "
            f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)")


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def c1_mean_ms(points):
    return statistics.median(1000 / p["rps"] for p in points if p["rps"])


def cpu_text(point):
    """CPU per request of the system (for the floor: of the upstream itself)."""
    value = point.get("cpu_ms_per_req")
    if value is None:
        value = point.get("upstream_cpu_ms_per_req")
    return "n/a" if value is None else f"{value:.3f}"


def runs_text(runs, key):
    return ", ".join(f"{r[key]:.0f}" for r in runs)


def spread(points, key):
    values = [p[key] for p in points]
    return (min(values), max(values)) if values else (None, None)


def settings(args):
    return {"command": " ".join(["./tollgate bench", *args.raw]), "duration": args.duration, "warmup": args.warmup,
            "jit_warmup": args.jit_warmup, "jit_warmup_each_mode": True, "warmup_split": True,
            "repeat": args.repeat, "chunks": args.chunks,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine()}


def report(run, load, cold, trips, jmh, load_run=None):
    """run: the settings of this run; load_run: those of the run the load figures come from, if another."""
    lines = [f"Run: {run['date']}. Machine: {run['machine']}.", "", f"Command: `{run['command']}`."]
    if load:
        source = load_run or run
        if load_run:
            lines.append(f"Load figures from the run of {source['date']} (`{source['command']}`; machine then: "
                         f"{source['machine']}).")
        warmup_at = "in three runs at c=10, c=1 and c=10" if source.get("warmup_split") else "at c=10"
        lines.append(f"Load: each point {source['duration']} s after a {source['warmup']} s warm-up {warmup_at}, "
                     f"repeated {source['repeat']}x (median shown, range of req/s in brackets)"
                     + (f"; the JVM systems' warm-ups last {source['jit_warmup']} s for whole and for streamed "
                        f"answers (C2 compiles meanwhile)" if source.get("jit_warmup_each_mode") else
                        f"; the JVM systems' first warm-up lasts {source['jit_warmup']} s (C2 compiles meanwhile)"
                        if source.get("jit_warmup") else "") + "; wrk in its own "
                     f"process; the upstream answers {source['chunks']} words (whole) or {source['chunks']} "
                     f"content chunks + finish + usage (streamed).")
    lines.append("")
    if load:
        floor = load.get("floor", {}).get("points", {})
        floor_ms = {}
        for mode in ("plain", "stream"):
            both = floor.get(f"{mode}/c1", []) + floor.get(f"{mode}/c1-end", [])
            if both:
                floor_ms[mode] = statistics.mean(1000 / p["rps"] for p in both if p["rps"])
        portkey = load.get("portkey", {}).get("points", {})
        for mode in ("plain", "stream"):
            lines.append(f"**{'Non-streaming' if mode == 'plain' else 'Streaming'} chat completions**")
            lines.append("")
            lines.append("| system | c=1 req/s | c=1 mean ms | added ms over floor | c=1 p50 ms | c=1 p99 ms "
                         "| c=10 req/s | c=10 vs Portkey | c=50 req/s | CPU ms/req (c=10) | non-2xx | peak RSS MB |")
            lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name, entry in load.items():
                if "unavailable" in entry:
                    lines.append(f"| {name} | unavailable: {entry['unavailable'][:300].replace('|', '/')} "
                                 "| | | | | | | | | | |")
                    continue
                pts = entry["points"]
                c1, c10, c50 = pts.get(f"{mode}/c1"), pts.get(f"{mode}/c10"), pts.get(f"{mode}/c50")
                if not c1:
                    continue
                m1, m10, m50 = median_point(c1), median_point(c10), median_point(c50)
                mean_ms = c1_mean_ms(c1)
                added = mean_ms - floor_ms[mode] if mode in floor_ms and name != "floor" else None
                lo, hi = spread(c1, "rps")
                vs_portkey = ""
                if portkey.get(f"{mode}/c10") and name != "portkey":
                    pk = median_point(portkey[f"{mode}/c10"])["ok_rps"]
                    vs_portkey = f"{m10['ok_rps'] / pk:.1f}x" if pk else "n/a (Portkey: no 2xx)"
                non2xx = sum(p["non2xx"] + p["connect_errors"] + p["read_errors"] + p["timeouts"]
                             for p in c1 + c10 + c50)
                total = sum(p["requests"] for p in c1 + c10 + c50)
                lines.append(
                    f"| {name} | {fmt(m1['rps'])} [{fmt(lo)}-{fmt(hi)}] | {mean_ms:.3f} | "
                    f"{'floor' if name == 'floor' else fmt(added, 3)} | {m1['p50_us'] / 1000:.2f} | "
                    f"{m1['p99_us'] / 1000:.2f} | {fmt(m10['ok_rps'])} | {vs_portkey} | {fmt(m50['ok_rps'])} | "
                    f"{cpu_text(m10)} | "
                    f"{non2xx}/{total} | {fmt(entry.get('peak_rss_mb'), 0) if entry.get('peak_rss_mb') else '-'} |")
            if mode in floor_ms:
                start = floor.get(f"{mode}/c1", [])
                end = floor.get(f"{mode}/c1-end", [])
                if start and end:
                    lines.append("")
                    lines.append(f"Floor at c=1 drifted from {c1_mean_ms(start):.3f} ms (start) to "
                                 f"{c1_mean_ms(end):.3f} ms (end); added latency is against their mean.")
            through = load.get("passthrough", {}).get("points", {}).get(f"{mode}/c1")
            if mode in floor_ms and through:
                parts = [f"the bare pass-through (JDK server and client, bytes forwarded) adds "
                         f"{c1_mean_ms(through) - floor_ms[mode]:.3f} ms over the floor"]
                for name in [n for n in load if n.startswith("tollgate") and "points" in load[n]]:
                    own = load[name]["points"].get(f"{mode}/c1")
                    if own:
                        parts.append(f"{name} {c1_mean_ms(own) - c1_mean_ms(through):.3f} ms over the pass-through")
                lines.append("")
                lines.append("At c=1, " + "; ".join(parts) + ".")
            lines.append("")
        failed_probes = [(n, m, e["probe"][m]) for n, e in load.items() if "probe" in e for m in e["probe"]
                         if e["probe"][m]["status"] != 200]
        for name, mode, probe_result in failed_probes:
            lines.append(f"- {name} {mode}: answered {probe_result['status']}: `{probe_result['body'][:200]}`; its "
                         f"throughput counts only 2xx answers.")
        if failed_probes:
            lines.append("")
        lines.extend(targets(load, floor_ms, cold, jmh))
    if cold:
        lines.append("**Cold start** (ms from process start; median of runs, all runs in brackets)")
        lines.append("")
        lines.append("| path | JVM flags | first 200 on /health | first 200 on a chat completion | CPU time used by "
                     "then |")
        lines.append("| --- | --- | ---: | ---: | ---: |")
        for label, runs in cold["local"].items():
            lines.append(f"| local server | {label} | {statistics.median(r['health_ms'] for r in runs):.0f} "
                         f"[{runs_text(runs, 'health_ms')}] | "
                         f"{statistics.median(r['chat_ms'] for r in runs):.0f} "
                         f"[{runs_text(runs, 'chat_ms')}] | {statistics.median(r['chat_cpu_ms'] for r in runs):.0f} |")
        for label, runs in cold["lambda"].items():
            lines.append(f"| Lambda handler (event in, response out) | {label} | | "
                         f"{statistics.median(r['ready_ms'] for r in runs):.0f} "
                         f"[{runs_text(runs, 'ready_ms')}] | {statistics.median(r['ready_cpu_ms'] for r in runs):.0f} |")
        cl = cold["class_loading"]
        lines.append("")
        lines.append(f"Classes loaded from JVM start to the first served chat completion (local server, Lambda "
                     f"flags): {cl['total']}; by source: "
                     + ", ".join(f"{k} {v}" for k, v in cl["by_source"]) + ". Top packages: "
                     + ", ".join(f"`{k}` {v}" for k, v in cl["top_packages"]) + ".")
        lines.append("")
    if trips:
        lines.extend(roundtrip_lines(trips))
    if jmh:
        lines.append("**JMH** (one fork, single thread; wall time per operation, CPU time of the benchmark thread "
                     "per operation (it leaves out time spent waiting for a core), bytes allocated per operation "
                     "from `-prof gc`; +- is the 99.9% error)")
        lines.append("")
        lines.append("| benchmark | JIT | wall us/op | CPU us/op | bytes allocated/op |")
        lines.append("| --- | --- | ---: | ---: | ---: |")
        for row in jmh:
            lines.append(f"| {row['benchmark']} | {row['jvm']} | {row['us_per_op']:.1f} +- {row['error']:.1f} | "
                         f"{fmt(row['cpu_us_per_op'], 1)} +- {fmt(row['cpu_error'], 1)} | "
                         f"{fmt(row['bytes_per_op'])} |")
        lines.append("")
    return "\n".join(lines)


def targets(load, floor_ms, cold, jmh):
    lines = ["**Against the targets of issue 9** (same run)", ""]
    lines.append("| target | measured | met? |")
    lines.append("| --- | --- | --- |")

    def added(name, mode="plain"):
        entry = load.get(name, {})
        if "points" not in entry or mode not in floor_ms:
            return None
        return c1_mean_ms(entry["points"][f"{mode}/c1"]) - floor_ms[mode]

    def yes(ok):
        return "yes" if ok else "**no**"

    for mode in ("plain", "stream"):
        tg = added("tollgate", mode)
        if tg is None:
            continue
        label = "non-streaming" if mode == "plain" else "streaming"
        lines.append(f"| added round trip at c=1 <= {TARGET_ADDED_MS} ms ({label}) | {tg:.3f} ms | "
                     f"{yes(tg <= TARGET_ADDED_MS)} |")
        p99 = median_point(load["tollgate"]["points"][f"{mode}/c1"])["p99_us"] / 1000
        lines.append(f"| p99 at c=1 <= {TARGET_P99_MS} ms ({label}) | {p99:.2f} ms | {yes(p99 <= TARGET_P99_MS)} |")
        for peer in ("portkey", "litellm"):
            other = added(peer, mode)
            peer_c1 = load.get(peer, {}).get("points", {}).get(f"{mode}/c1", [])
            if other is not None and peer_c1 and all(p["non2xx"] >= p["requests"] for p in peer_c1):
                lines.append(f"| added below {peer}'s ({label}) | {peer} answered only errors ({other:.3f} ms) | "
                             "n/a |")
            elif other is not None:
                lines.append(f"| added below {peer}'s ({label}) | {tg:.3f} vs {other:.3f} ms | {yes(tg < other)} |")
            else:
                lines.append(f"| added below {peer}'s ({label}) | {peer} not measured | n/a |")
        pk = load.get("portkey", {}).get("points", {}).get(f"{mode}/c10")
        if pk and not median_point(pk)["ok_rps"]:
            lines.append(f"| c=10 throughput >= {TARGET_THROUGHPUT_X_PORTKEY}x Portkey ({label}) | Portkey answered "
                         f"no request successfully | n/a |")
        elif pk:
            ratio = median_point(load["tollgate"]["points"][f"{mode}/c10"])["ok_rps"] / max(
                median_point(pk)["ok_rps"], 1e-9)
            lines.append(f"| c=10 throughput >= {TARGET_THROUGHPUT_X_PORTKEY}x Portkey ({label}) | {ratio:.1f}x"
                         f"{' (Portkey answered errors)' if median_point(pk)['non2xx'] else ''} | "
                         f"{yes(ratio >= TARGET_THROUGHPUT_X_PORTKEY)} |")
    for name in ("tollgate", "tollgate-dynamodb"):
        rss = load.get(name, {}).get("peak_rss_mb")
        if rss:
            lines.append(f"| peak RSS under load <= {TARGET_RSS_MB} MB ({name}) | {rss:.0f} MB | "
                         f"{yes(rss <= TARGET_RSS_MB)} |")
    if cold:
        shipped = cold["local"].get(LOCAL_LABEL) or cold["local"].get("SerialGC + C1 (shipped)")
        if shipped:
            ms = statistics.median(r["chat_ms"] for r in shipped)
            lines.append(f"| cold start to first request <= {TARGET_COLD_MS} ms (local server, chat) | {ms:.0f} ms "
                         f"| {yes(ms <= TARGET_COLD_MS)} |")
        shipped = cold["lambda"].get(LAMBDA_LABEL) or cold["lambda"].get("SerialGC + C1 (shipped)")
        if shipped:
            ms = statistics.median(r["ready_ms"] for r in shipped)
            lines.append(f"| cold start to first request <= {TARGET_COLD_MS} ms (Lambda handler) | {ms:.0f} ms | "
                         f"{yes(ms <= TARGET_COLD_MS)} |")
    if jmh:
        for row in jmh:
            if row["benchmark"] == "chatCompletion":
                cpu = row["cpu_us_per_op"] if row["cpu_us_per_op"] is not None else row["us_per_op"]
                lines.append(f"| core CPU per request <= {TARGET_JMH_US} us (JMH chatCompletion, {row['jvm']}) | "
                             f"{cpu:.1f} us CPU ({row['us_per_op']:.1f} us wall) | {yes(cpu <= TARGET_JMH_US)} |")
    lines.append("")
    return lines


def roundtrip_lines(trips):
    if "unavailable" in trips:
        return [f"**DynamoDB round trips**: not measured ({trips['unavailable']}).", ""]
    lines = ["**DynamoDB round trips per request** (stores on moto; counted by an SDK execution interceptor)", ""]
    lines.append("| request | before the provider call | after | calls in order |")
    lines.append("| --- | ---: | ---: | --- |")
    for row in trips["requests"]:
        lines.append(f"| {row['label']} | {row['before']} | {row['after']} | {' '.join(row['sequence']) or '-'} |")
    lines.append("")
    lines.append(f"Warm steady state over {trips['measured']} requests: {trips['warm_before']:.2f} calls before and "
                 f"{trips['warm_after']:.2f} after per request; by operation: "
                 + ", ".join(f"{k} {v:.2f}" for k, v in trips["warm_by_operation"].items()) + ".")
    lines.append(f"Added latency per request in process (Gateway.handle, mock provider): DynamoDB stores on moto "
                 f"{trips['dynamo_ms']:.2f} ms vs in-memory {trips['memory_ms']:.3f} ms, i.e. "
                 f"{trips['dynamo_ms'] - trips['memory_ms']:.2f} ms added, {trips['moto_call_ms']:.2f} ms per call "
                 "on the emulator (real DynamoDB in-region: single-digit ms per call).")
    lines.append("")
    return lines


def write_doc(text):
    doc = ROOT / "docs" / "performance.md"
    content = doc.read_text() if doc.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in content:
        content += f"\n{BEGIN}\n{END}\n"
    head, rest = content.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def render(raw, earlier):
    """The results section; parts a run did not measure are shown from the newest earlier run that did, and say so."""
    raw = dict(raw)
    reused = []
    load_run = None
    for part in ("load", "coldstart", "roundtrips", "jmh"):
        if raw.get(part) is None:
            for path in reversed(earlier):
                previous_run = json.loads(path.read_text())
                if previous_run.get(part):
                    raw[part] = previous_run[part]
                    reused.append(f"{part} from the run of {path.stem}")
                    if part == "load":
                        load_run = previous_run.get("settings")
                    break
    text = report(raw["settings"], raw["load"], raw["coldstart"], raw["roundtrips"], raw["jmh"], load_run)
    if reused:
        text += "\nNot run this time, shown from earlier runs on this machine: " + "; ".join(reused) + ".\n"
    return text


def rerender():
    """Writes the newest run's results again (after a change to the report), without measuring anything."""
    runs = [path for path in sorted((WORK / "results").glob("*.json"))
            if "settings" in json.loads(path.read_text())]
    if not runs:
        sys.exit("bench: no results in .bench/results yet: run ./tollgate bench first")
    newest = runs[-1]
    earlier = sorted(path for path in (WORK / "results").glob("*.json") if path.name < newest.name)
    text = render(json.loads(newest.read_text()), earlier)
    print(text)
    write_doc(text)
    log(f"docs/performance.md rewritten from {newest.name}")


# --- main ------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description="Tollgate benchmark harness")
    parser.add_argument("parts", nargs="*", default=["all"],
                        help="all (default), or some of: load coldstart roundtrips jmh; or report alone, "
                        "which rewrites the results section from the newest run without measuring")
    parser.add_argument("--systems", default="floor,passthrough,tollgate,tollgate-dynamodb,portkey,litellm,tollgate-c1")
    parser.add_argument("--duration", type=int, default=8, help="seconds per load point")
    parser.add_argument("--warmup", type=int, default=4, help="seconds of warm-up per system and mode")
    parser.add_argument("--jit-warmup", type=int, default=30,
                        help="seconds of warm-up before the first point of a JVM system (C2 compiles meanwhile)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per load point (median reported)")
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--cold-repeat", type=int, default=3)
    parser.add_argument("--roundtrip-requests", type=int, default=200)
    parser.add_argument("--jmh-warmup", type=int, default=8, help="JMH warm-up iterations of 2 s (the JIT is slow "
                        "to settle on a busy machine)")
    parser.add_argument("--jmh-iterations", type=int, default=5)
    parser.add_argument("--no-doc", action="store_true", help="print the table only; leave docs/performance.md")
    args = parser.parse_args()
    args.raw = sys.argv[1:]
    parts = set(args.parts)
    if parts == {"report"}:
        rerender()
        return
    if "all" in parts:
        parts = {"load", "coldstart", "roundtrips", "jmh"}

    WORK.mkdir(exist_ok=True)
    context = {"dynamo_env": None}
    upstream = Service("upstream", [env("BENCH_TOOL"), "upstream", "-chunks", str(args.chunks)])
    try:
        deadline = time.time() + 10
        while time.time() < deadline and "listening" not in upstream.log_path.read_text():
            time.sleep(0.05)
        context["upstream_port"] = int(upstream.log_path.read_text().split()[1])
        context["upstream"] = upstream
        if env("AWS_ENDPOINT_URL") and parts & {"load", "roundtrips"}:
            context["aws_endpoint"] = env("AWS_ENDPOINT_URL")
            made = subprocess.run([env("BENCH_MOTO_PYTHON"), str(HERE / "moto_tables.py"), KEY_SHA256,
                                   f"tollgate-bench-{int(time.time())}"], capture_output=True, text=True)
            if made.returncode == 0:
                context["dynamo_env"] = json.loads(made.stdout)
            else:
                context["dynamo_error"] = "tables could not be created: " + made.stderr[-300:]
        elif parts & {"load", "roundtrips"}:
            context["dynamo_error"] = env("BENCH_MOTO_ERROR", "AWS_ENDPOINT_URL not set (moto not started)")
        load = run_load(args, context) if "load" in parts else None
        cold = run_coldstart(args, context) if "coldstart" in parts else None
        trips = run_roundtrips(args, context) if "roundtrips" in parts else None
        jmh = run_jmh(args) if "jmh" in parts else None
    finally:
        upstream.stop()
    run = settings(args)
    raw = {"load": load, "coldstart": cold, "roundtrips": trips, "jmh": jmh, "settings": run}
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (WORK / "results").mkdir(exist_ok=True)
    earlier = sorted((WORK / "results").glob("*.json"))
    (WORK / "results" / f"{stamp}.json").write_text(json.dumps(raw, indent=1))
    text = render(raw, earlier)
    print(text)
    if not args.no_doc:
        write_doc(text)
        log("results written to docs/performance.md (raw figures in .bench/results/" + stamp + ".json)")


if __name__ == "__main__":
    main()
