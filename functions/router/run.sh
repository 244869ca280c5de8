#!/bin/sh
# The router's command inside Lambda when it runs behind the Lambda Web Adapter (template.yaml: Handler run.sh,
# AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap). The adapter waits for GET /health on $PORT, then forwards each
# invocation to this server and streams the answer back. sam build puts this file at the package root and the
# shaded jar in lib/.
#   SerialGC, C1 only: one or two vCPUs and short requests; the quickest start and the smallest footprint. The full
#   tiered JIT uses less than half the CPU per request once C2 has compiled the hot path, but that takes ~30 s of
#   load; priming runs each path once, so no C2 code is in the snapshot and every restored environment would pay
#   for the compilation (docs/performance.md, "JIT flags"). Revisit if priming is made to loop the hot path.
#   MaxRAMPercentage: the heap may use most of the function's memory (the default is a quarter).
JAVA="${JAVA_HOME:-/var/lang}/bin/java"
[ -x "$JAVA" ] || JAVA=java
exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAMPercentage=75 -Xshare:auto \
  -cp "${LAMBDA_TASK_ROOT:-$(dirname "$0")}/lib/*" dev.tollgate.router.LocalServer
