package dev.tollgate.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;

import java.util.UUID;

/** The Anthropic content blocks an answer is made of, as both renderings (whole and streamed) write them. */
final class ContentBlocks {

    private ContentBlocks() {
    }

    static ObjectNode text(String text) {
        ObjectNode block = JsonCodec.object();
        block.put("type", "text");
        block.put("text", text);
        return block;
    }

    /** A tool_use block; "caller" says the model itself called the tool, as the Anthropic API reports it. */
    static ObjectNode toolUse(String id, String name, JsonNode input) {
        ObjectNode block = JsonCodec.object();
        block.put("type", "tool_use");
        block.put("id", id == null || id.isEmpty() ? "toolu_" + UUID.randomUUID().toString().replace("-", "") : id);
        block.put("name", name == null ? "" : name);
        block.set("input", input);
        block.putObject("caller").put("type", "direct");
        return block;
    }
}
