package dev.tollgate.reconcile;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.log.RequestLog;
import dev.tollgate.reconcile.report.DriftMetrics;
import dev.tollgate.reconcile.report.ReportJson;
import dev.tollgate.reconcile.report.ReportMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The scheduled door. The event is an EventBridge scheduled event (or the same shape from EventBridge Scheduler):
 * its {@code time} sets "today", and the run covers the lookback days before it. A manual invocation may narrow
 * it with {@code detail}: {@code {"from": "2025-11-01", "to": "2025-11-03", "provider": "openai", "dry_run": true}}.
 * The report is logged as one JSON line and returned. When a billing API could not be read, the invocation fails
 * after writing what it could, so Lambda retries it and, at the end, hands it to the dead-letter queue.
 */
public final class ReconcileHandler implements RequestStreamHandler {

    private final ReconcilerSettings settings;
    private final Supplier<Reconciler> reconciler;
    private final Clock clock;
    private final RequestLog log;

    /** The Lambda runtime's entry: settings read once per execution environment. */
    public ReconcileHandler() {
        this(System.getenv(), Clock.systemUTC(), System.out::println);
    }

    /** @param out where log lines and EMF metric documents go (stdout in Lambda) */
    public ReconcileHandler(Map<String, String> env, Clock clock, Consumer<String> out) {
        this.settings = ReconcilerSettings.from(env);
        this.clock = clock;
        this.log = new RequestLog(out);
        // Wired afresh for each run (one a day): the admin keys are read from Secrets Manager every time, so a
        // rotated key is used at once, however long an execution environment lives.
        this.reconciler = () -> ReconcilerFactory.fromEnvironment(env, settings, clock, log,
                new DriftMetrics(out, clock));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] body = input.readAllBytes();
        JsonNode event = body.length == 0 ? JsonCodec.object() : JsonCodec.parse(body);
        JsonNode detail = event.path("detail");
        Instant time = event.hasNonNull("time") ? OffsetDateTime.parse(event.get("time").asText()).toInstant()
                : clock.instant();
        LocalDate[] range = settings.defaultRange(time.atZone(ZoneOffset.UTC).toLocalDate());
        LocalDate from = detail.hasNonNull("from") ? LocalDate.parse(detail.get("from").asText()) : range[0];
        LocalDate to = detail.hasNonNull("to") ? LocalDate.parse(detail.get("to").asText()) : range[1];
        String provider = detail.hasNonNull("provider") ? detail.get("provider").asText() : null;
        boolean dryRun = detail.path("dry_run").asBoolean(false);

        ReconcileReport report = reconciler.get().run(from, to, provider, dryRun);
        ObjectNode json = ReportJson.of(report);
        ObjectNode line = log.event(report.hasErrors() ? "ERROR" : "INFO", "reconciliation report");
        line.set("report", json);
        log.write(line);
        output.write(ReportMapper.write(json).getBytes(StandardCharsets.UTF_8));
        if (report.hasErrors()) {
            throw new IllegalStateException("reconciliation " + report.runId()
                    + ": a billing API could not be read (see the report); the invocation fails so it is retried");
        }
    }
}
