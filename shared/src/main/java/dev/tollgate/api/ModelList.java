package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the public names and aliases the config exposes. */
public final class ModelList {

    private final byte[] list;
    private final GatewayConfig config;

    public ModelList(GatewayConfig config) {
        this.config = config;
        ObjectNode root = JsonCodec.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        config.publicNames().forEach(name -> data.add(model(name)));
        this.list = JsonCodec.bytes(root);
    }

    public byte[] list() {
        return list;
    }

    public byte[] one(String id) {
        if (config.route(id).isEmpty()) {
            throw ClientError.modelNotFound(id);
        }
        return JsonCodec.bytes(model(id));
    }

    private static ObjectNode model(String name) {
        ObjectNode model = JsonCodec.object();
        model.put("id", name);
        model.put("object", "model");
        model.put("created", 0);
        model.put("owned_by", "tollgate");
        return model;
    }
}
