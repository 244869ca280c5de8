package dev.tollgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tollgate.fakes.FakeOpenAiBillingServer;
import dev.tollgate.reconcile.billing.BilledUsage;
import dev.tollgate.reconcile.billing.OpenAiBillingSource;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.Credential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fake OpenAI billing API speaks the published wire format: every page it answers, to the reconciler's own
 * client and to other groupings, validates against {@code UsageResponse} of OpenAI's OpenAPI document (costs and
 * completions usage results are among its bucket result variants); and the validator rejects what OpenAI would
 * never send.
 */
class OpenAiBillingConformanceTest {

    private static final String SPEC_IRI = "https://tollgate.invalid/specs/openai/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-admin-conformance";
    private static final LocalDate DAY = LocalDate.parse("2025-11-16");
    private static Schema usageResponse;
    private static FakeOpenAiBillingServer fake;

    @BeforeAll
    static void loadSpec() throws IOException {
        Path spec = Path.of(System.getProperty("tollgate.repo.root", ".."))
                .resolve("../shared/specs/openai/openapi.yaml").normalize();
        assertTrue(Files.isRegularFile(spec), "OpenAI spec not found at " + spec);
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(spec.toFile());
        ObjectNode schemaDocument = JSON.createObjectNode();
        schemaDocument.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schemaDocument.set("components", OpenApiConformanceTest.openApiNullableToJsonSchema(
                document.get("components").deepCopy()));
        String schemaText = JSON.writeValueAsString(schemaDocument);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(SPEC_IRI, schemaText))
                        .schemaLoader(loader -> loader.fetchRemoteResources(false)));
        usageResponse = registry.getSchema(SchemaLocation.of(SPEC_IRI + "#/components/schemas/UsageResponse"));
        usageResponse.initializeValidators();

        fake = new FakeOpenAiBillingServer(KEY);
        fake.cost(DAY, "gpt-4o-mini-2024-07-18, input", "proj_a", "0.0006")
                .cost(DAY, "gpt-4o-mini-2024-07-18, output", "proj_a", "0.00072")
                .cost(DAY, "gpt-4o-2024-08-06, input", "proj_b", "12.5")
                .cost(DAY, "web search tool calls", "proj_b", "0.025")
                .usage(DAY, "gpt-4o-mini-2024-07-18", "proj_a", 4800, 800, 1200, 4)
                .usage(DAY, "gpt-4o-2024-08-06", "proj_b", 5_000_000, 0, 0, 1000)
                .emptyDay(DAY.plusDays(1));
        fake.pageSize(1);
    }

    @AfterAll
    static void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private static List<String> violations(JsonNode instance) {
        List<String> messages = new ArrayList<>();
        for (Error error : usageResponse.validate(instance)) {
            messages.add(error.toString());
        }
        return messages;
    }

    @Test
    void everyPageTheReconcilerReadsConformsToUsageResponse() throws Exception {
        fake.forget();
        OpenAiBillingSource source = new OpenAiBillingSource(HttpClient.newHttpClient(), fake.baseUrl(),
                new Credential(KEY), List.of(), Clock.systemUTC(), Sleeper.REAL);
        BilledUsage bill = source.fetch(DAY, DAY.plusDays(2));

        assertEquals(0, new BigDecimal("12.52632").compareTo(bill.day(DAY).orElseThrow().totalUsd()),
                "JSON numbers summed as exact decimals");
        assertEquals(0, new BigDecimal("0.025").compareTo(bill.day(DAY).orElseThrow().unattributedUsd()),
                "a line item that names no model");
        assertTrue(bill.day(DAY.plusDays(1)).isPresent(), "an empty bucket is a day billed nothing");
        assertTrue(bill.day(DAY.plusDays(2)).isEmpty(), "no bucket is no data");
        assertEquals(6, fake.answered().size(), "three one-bucket pages per endpoint");
        for (String page : fake.answered()) {
            List<String> violations = violations(JSON.readTree(page));
            assertTrue(violations.isEmpty(), violations + "\n" + page);
        }
    }

    @Test
    void otherGroupingsAndProjectFiltersConformToo() throws Exception {
        fake.forget();
        HttpClient http = HttpClient.newHttpClient();
        long start = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        for (String query : List.of("/organization/costs?start_time=" + start,
                "/organization/costs?start_time=" + start + "&group_by%5B%5D=project_id&project_ids%5B%5D=proj_b",
                "/organization/usage/completions?start_time=" + start + "&limit=2",
                "/organization/usage/completions?start_time=" + start + "&group_by%5B%5D=model&group_by%5B%5D=project_id")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + query))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            List<String> violations = violations(JSON.readTree(response.body()));
            assertTrue(violations.isEmpty(), query + ": " + violations + "\n" + response.body());
        }
    }

    @Test
    void theValidatorRejectsWhatOpenAiWouldNeverSend() throws Exception {
        fake.forget();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        fake.baseUrl() + "/organization/costs?start_time="
                                + DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond() + "&group_by%5B%5D=line_item"))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        ObjectNode page = (ObjectNode) JSON.readTree(response.body());
        assertTrue(violations(page).isEmpty());

        ObjectNode noHasMore = page.deepCopy();
        noHasMore.remove("has_more");
        assertFalse(violations(noHasMore).isEmpty(), "has_more is required");

        ObjectNode wrongObject = page.deepCopy();
        ((ObjectNode) wrongObject.at("/data/0/results/0")).put("object", "organization.cost.result");
        assertFalse(violations(wrongObject).isEmpty(), "an unknown result object matches no variant");

        ObjectNode stringAmount = page.deepCopy();
        ((ObjectNode) stringAmount.at("/data/0/results/0/amount")).put("value", "0.0006");
        assertFalse(violations(stringAmount).isEmpty(), "OpenAI's amount is a number, not a string");
    }

    @Test
    void aWrongKeyGetsOpenAisErrorShape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                fake.baseUrl() + "/organization/costs?start_time=0")).header("Authorization", "Bearer sk-wrong")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
        assertEquals("invalid_api_key", JSON.readTree(response.body()).at("/error/code").asText());
    }
}
