package dev.tollgate.bench;

import dev.tollgate.json.JsonCodec;
import dev.tollgate.router.LambdaHandler;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Lambda handler's cold path without a Lambda runtime: read an API Gateway event, construct the handler as the
 * runtime would (wired from the environment: the demo config and its mock provider unless TOLLGATE_CONFIG is set),
 * answer the event through its stream interface as the runtime does, and print {@code READY <status>}. The harness
 * times the process from outside (from before exec).
 */
public final class LambdaColdStart {

    private LambdaColdStart() {
    }

    public static void main(String[] args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            new LambdaHandler().handleRequest(in, out, null);
        }
        int status = JsonCodec.parse(out.toByteArray()).path("statusCode").asInt();
        System.out.println("READY " + status);
        System.out.flush();
        if (status != 200) {
            System.exit(1);
        }
    }
}
