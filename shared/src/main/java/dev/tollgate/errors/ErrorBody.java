package dev.tollgate.errors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

/** Renders a failure as OpenAI's error object: {"error":{"message","type","param","code"}}. */
public final class ErrorBody {

    private ErrorBody() {
    }

    public static ObjectNode of(GatewayException e) {
        ObjectNode root = JsonCodec.object();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("param", e.param());
        error.put("code", e.code());
        return root;
    }

    public static byte[] bytes(GatewayException e) {
        return JsonCodec.bytes(of(e));
    }
}
