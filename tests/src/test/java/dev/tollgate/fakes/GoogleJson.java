package dev.tollgate.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.tollgate.json.JsonCodec;

import java.io.UncheckedIOException;

/**
 * JSON as Google's API front end writes it: whole responses indented by two spaces with {@code "key": value};
 * SSE frames on one line, still with a space after each colon and none after commas.
 */
final class GoogleJson {

    private static final Separators SEPARATORS = Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");

    private static final ObjectWriter PRETTY = JsonCodec.MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(SEPARATORS));

    private static final ObjectWriter FRAME = JsonCodec.MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(DefaultPrettyPrinter.NopIndenter.instance)
            .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance)
            .withSeparators(SEPARATORS));

    private GoogleJson() {
    }

    static String pretty(JsonNode node) {
        return write(PRETTY, node) + "\n";
    }

    static String frame(JsonNode node) {
        return write(FRAME, node);
    }

    private static String write(ObjectWriter writer, JsonNode node) {
        try {
            return writer.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
