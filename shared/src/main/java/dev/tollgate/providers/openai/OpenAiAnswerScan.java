package dev.tollgate.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tollgate.json.JsonCodec;

import java.io.IOException;

/**
 * What the gateway reads from an OpenAI answer or stream chunk (an error, the choices and their finish reasons, the
 * usage), taken in one streaming pass over its bytes. The bytes themselves are forwarded unchanged, so building
 * the JSON tree only to read these fields was the largest allocation of a streamed answer (a tree per chunk); only
 * the usage object, at most once per answer, becomes a tree.
 *
 * @param error    the top level has a non-null {@code error}
 * @param hasChoices the top level has a {@code choices} field (of any value)
 * @param choices  how many elements {@code choices} holds when it is an array (else 0)
 * @param finished some choice has a non-null {@code finish_reason}
 * @param usage    the {@code usage} object, or null when there is none
 */
record OpenAiAnswerScan(boolean error, boolean hasChoices, int choices, boolean finished, JsonNode usage) {

    /** Reads the usage object in the middle of the answer: what follows it is not "trailing" there. */
    private static final ObjectReader READER = JsonCodec.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads one JSON object; IOException when the bytes are not exactly one JSON object. */
    static OpenAiAnswerScan of(byte[] json) throws IOException {
        try (JsonParser p = READER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            boolean error = false;
            boolean hasChoices = false;
            int choices = 0;
            boolean finished = false;
            JsonNode usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "error" -> {
                        error = value != JsonToken.VALUE_NULL;
                        p.skipChildren();
                    }
                    case "choices" -> {
                        hasChoices = true;
                        choices = 0;
                        if (value == JsonToken.START_ARRAY) {
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                choices++;
                                finished |= readChoice(p);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            usage = READER.readTree(p);
                        } else {
                            usage = null;
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            // Anything after the object's end makes it no JSON object (as the mapper's FAIL_ON_TRAILING_TOKENS).
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON object");
            }
            return new OpenAiAnswerScan(error, hasChoices, choices, finished, usage);
        }
    }

    /** Reads one element of {@code choices}, the parser at its first token; whether it has a finish reason. */
    private static boolean readChoice(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean finished = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean finishReason = "finish_reason".equals(p.currentName());
            if (p.nextToken() != JsonToken.VALUE_NULL && finishReason) {
                finished = true;
            }
            p.skipChildren();
        }
        return finished;
    }
}
