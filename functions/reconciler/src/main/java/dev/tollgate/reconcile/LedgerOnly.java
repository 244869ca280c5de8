package dev.tollgate.reconcile;

/** Why a provider's ledger figures stand alone: what billing it has, and why Tollgate does not read it. */
public final class LedgerOnly {

    private LedgerOnly() {
    }

    public static String reason(String provider) {
        return switch (provider) {
            case "bedrock" -> "Amazon Bedrock has no per-request billing API: its charges reach AWS Cost Explorer and "
                    + "the Cost and Usage Report per account, service and region, hours to a day late, without the "
                    + "gateway's request ids (a Cost Explorer source can be plugged in behind BillingSource)";
            case "gemini", "vertex", "google" -> "Gemini is billed through Google Cloud Billing (its BigQuery "
                    + "export); there is no per-day cost API for an API key";
            case "azure", "azure_openai", "azure-openai" -> "Azure OpenAI is billed through Azure Cost Management per "
                    + "resource, a day or more late; no per-day cost API is read here";
            case "mock" -> "the built-in mock provider calls nothing and is billed by no one";
            default -> "Tollgate has no billing source for provider '" + provider + "'";
        };
    }
}
