"""Cold-start benchmark (not a test): JVM start to first served request, for the two doors of the router.

  local server  java ... LocalServer            JVM exec -> GET /health 200 -> first chat completion 200
  handler       aws-lambda-rie java ... AWSLambda LambdaHandler::handleRequest
                                                emulator exec -> first API Gateway event answered

Each is run --runs times (fresh JVM each) and reported as median and best wall-clock time, with the JVM's CPU time
(user+sys, from /proc: a load-independent view on a shared machine) and the load average. Then one extra local-server
run with -Xlog:class+load lists how many classes were loaded by the first served request and which packages
dominate, and one with JFR lists the classes that dominate allocation. Run through ./tollgate bench-coldstart.
"""
import argparse
import collections
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "functions/router/target/tollgate-router.jar")
JVM_FLAGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]  # as run.sh; the default CDS archive is on
KEY = "tg-bench-key"
CHAT = json.dumps({"model": "bench", "messages": [{"role": "user", "content": "hello"}]}).encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(directory):
    import hashlib
    path = os.path.join(directory, "bench.yaml")
    with open(path, "w") as f:
        f.write("models:\n  - name: bench\n    targets:\n      - provider: mock\n        model: mock-fast\n"
                "keys:\n  - id: bench\n    sha256: %s\n" % hashlib.sha256(KEY.encode()).hexdigest())
    return path


def children(pid):
    """Direct children of a process (any of its threads may have started them)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(open("/proc/%s/stat" % entry).read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def cpu_ms(pid):
    """user+sys CPU time of a process and its children so far, in ms (Linux /proc)."""
    total = 0
    for p in [pid] + children(pid):
        try:
            fields = open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total * 1000 // os.sysconf("SC_CLK_TCK")


def request(url, data=None, headers=None, timeout=30):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.status, response.read()


def wait_until(fn, proc, deadline_s=60):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("the process exited with %s before answering" % proc.returncode)
        try:
            return fn()
        except OSError:
            time.sleep(0.005)
    raise RuntimeError("timed out")


def java_feature():
    out = subprocess.run([java(), "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
    return int(out.split("java.specification.version = ")[1].split()[0])


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def local_server_once(config, extra_flags=(), keep_log=None):
    port = free_port()
    env = dict(os.environ, TOLLGATE_CONFIG=config, PORT=str(port), TOLLGATE_METRICS="off")
    env.pop("AWS_LAMBDA_FUNCTION_NAME", None)
    start = time.monotonic()
    proc = subprocess.Popen([java(), *JVM_FLAGS, *extra_flags, "-cp", JAR, "dev.tollgate.router.LocalServer"],
                            env=env, stdout=keep_log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        base = "http://127.0.0.1:%d" % port
        wait_until(lambda: request(base + "/health"), proc)
        ready = time.monotonic()
        status, _ = request(base + "/v1/chat/completions", CHAT,
                            {"Authorization": "Bearer " + KEY, "Content-Type": "application/json"})
        assert status == 200, status
        first = time.monotonic()
        cpu = cpu_ms(proc.pid)
        status, _ = request(base + "/v1/chat/completions", CHAT, {"Authorization": "Bearer " + KEY})
        second = time.monotonic()
        return {"ready_ms": (ready - start) * 1000, "first_ms": (first - start) * 1000,
                "first_chat_ms": (first - ready) * 1000, "second_chat_ms": (second - first) * 1000, "cpu_ms": cpu}
    finally:
        proc.terminate()
        proc.wait(180)  # a training run writes its AOT cache on exit


def ric_classpath(workdir):
    """The Java runtime interface client and its dependencies, copied from the local Maven repository."""
    pom = os.path.join(workdir, "pom.xml")
    with open(pom, "w") as f:
        f.write("""<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>bench</groupId><artifactId>ric</artifactId><version>1</version><dependencies><dependency>
<groupId>com.amazonaws</groupId><artifactId>aws-lambda-java-runtime-interface-client</artifactId>
<version>2.10.1</version></dependency></dependencies></project>""")
    out = os.path.join(workdir, "cp.txt")
    subprocess.run(["mvn", "-B", "-q", "-f", pom, "dependency:build-classpath", "-Dmdep.outputFile=" + out],
                   check=True, stdout=subprocess.DEVNULL)
    return open(out).read().strip()


def handler_once(config, rie, classpath, event):
    port = free_port()
    env = dict(os.environ, TOLLGATE_CONFIG=config, AWS_LAMBDA_FUNCTION_NAME="tollgate-bench", TOLLGATE_METRICS="off")
    flags = list(JVM_FLAGS)
    if java_feature() >= 22:
        flags.append("--enable-native-access=ALL-UNNAMED")
    start = time.monotonic()
    proc = subprocess.Popen([rie, "--runtime-interface-emulator-address", "127.0.0.1:%d" % port,
                             "--runtime-api-address", "127.0.0.1:%d" % free_port(),
                             java(), *flags, "-cp", JAR + os.pathsep + classpath,
                             "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                             "dev.tollgate.router.LambdaHandler::handleRequest"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = "http://127.0.0.1:%d/2015-03-31/functions/function/invocations" % port
        status, body = wait_until(lambda: request(url, event), proc)
        first = time.monotonic()
        assert json.loads(body)["statusCode"] == 200, body
        cpu = cpu_ms(proc.pid)
        request(url, event)
        second = time.monotonic()
        return {"first_ms": (first - start) * 1000, "second_ms": (second - first) * 1000, "cpu_ms": cpu}
    finally:
        for child in children(proc.pid):
            try:
                os.kill(child, 15)
            except OSError:
                pass
        proc.terminate()
        out, _ = proc.communicate(timeout=10)


def summary(name, runs, keys):
    print("%-13s" % name, "  ".join("%s median %.0f (best %.0f)" % (k, statistics.median(r[k] for r in runs),
                                                                      min(r[k] for r in runs)) for k in keys))


def class_loading(config, workdir):
    log = os.path.join(workdir, "classes.log")
    local_server_once(config, ["-Xlog:class+load=info:file=%s:uptime" % log])
    lines = [l.split() for l in open(log) if "source:" in l]
    shared = sum(1 for l in lines if "shared" in " ".join(l))
    packages = collections.Counter(l[1].rsplit(".", 1)[0] for l in lines)
    groups = collections.Counter()
    for pkg, n in packages.items():
        top = ".".join(pkg.split(".")[:3]) if pkg.startswith(("com.", "org.", "dev.")) else ".".join(pkg.split(".")[:2])
        groups[top] += n
    print("\nclasses loaded by the first served request (local server): %d, %d of them from the CDS archive"
          % (len(lines), shared))
    for pkg, n in groups.most_common(15):
        print("  %5d  %s" % (n, pkg))


def allocations(config, workdir):
    jfr = os.path.join(workdir, "start.jfr")
    local_server_once(config, ["-XX:StartFlightRecording=filename=%s,settings=profile" % jfr])
    out = subprocess.run([os.path.join(os.path.dirname(java()), "jfr"), "print", "--json", "--events",
                          "jdk.ObjectAllocationSample", jfr], capture_output=True, text=True).stdout
    weights = collections.Counter()
    for event in json.loads(out)["recording"]["events"]:
        values = event["values"]
        weights[values["objectClass"]["name"]] += values["weight"]
    total = sum(weights.values()) or 1
    print("\nallocation by class up to the first served request (JFR samples, local server): %.1f MB sampled"
          % (total / 1e6))
    for name, weight in weights.most_common(12):
        print("  %5.1f%%  %s" % (100.0 * weight / total, name))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-profile", action="store_true", help="no class-loading and allocation listing")
    args = parser.parse_args()
    if not os.path.isfile(JAR):
        sys.exit("missing %s: run ./tollgate package" % JAR)
    rie = os.environ.get("TOLLGATE_RIE")
    with tempfile.TemporaryDirectory(prefix="tollgate-bench-") as workdir:
        config = write_config(workdir)
        print("java: %s | cpus: %d | load average before: %s" % (
            subprocess.run([java(), "-version"], capture_output=True, text=True).stderr.splitlines()[0],
            os.cpu_count(), " ".join("%.2f" % x for x in os.getloadavg())))
        local_server_once(config)  # warm the file cache; not counted
        local = [local_server_once(config) for _ in range(args.runs)]
        summary("local server", local, ["ready_ms", "first_ms", "cpu_ms"])
        print("%-13s" % "", "first chat after ready %.0f ms, second chat %.0f ms (medians)" % (
            statistics.median(r["first_chat_ms"] for r in local), statistics.median(r["second_chat_ms"] for r in local)))
        if java_feature() >= 25:
            cache = os.path.join(workdir, "tollgate.aot")
            local_server_once(config, ["-XX:AOTCacheOutput=" + cache])  # training run (JEP 514), not counted
            aot = [local_server_once(config, ["-XX:AOTCache=" + cache]) for _ in range(args.runs)]
            summary("local + AOT", aot, ["ready_ms", "first_ms", "cpu_ms"])
            print("%-13s" % "", "(JDK 25 AOT cache from one training run: classes pre-loaded and linked)")
        if rie:
            classpath = ric_classpath(workdir)
            with open(os.path.join(ROOT, "events/chat-completion.json")) as f:
                event = json.load(f)
            event["body"] = CHAT.decode()
            event["headers"]["Authorization"] = "Bearer " + KEY
            event = json.dumps(event).encode()
            handler_once(config, rie, classpath, event)
            handler = [handler_once(config, rie, classpath, event) for _ in range(args.runs)]
            summary("handler (RIE)", handler, ["first_ms", "cpu_ms"])
            print("%-13s" % "", "second invoke %.0f ms (median)" % statistics.median(r["second_ms"] for r in handler))
        else:
            print("handler (RIE): skipped, TOLLGATE_RIE is not set (./tollgate bench-coldstart sets it)")
        print("load average after: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
        if not args.skip_profile:
            class_loading(config, workdir)
            allocations(config, workdir)


if __name__ == "__main__":
    main()
