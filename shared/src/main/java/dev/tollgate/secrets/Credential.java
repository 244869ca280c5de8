package dev.tollgate.secrets;

/**
 * A provider key in memory. It is deliberately not a record: toString, equals and hashCode never
 * expose the value, so a credential that slips into a log line or an exception shows as a mask.
 */
public final class Credential {

    private final String value;

    public Credential(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty credential");
        }
        this.value = value;
    }

    /** The secret itself, for the one place that puts it on the wire. */
    public String reveal() {
        return value;
    }

    /** Removes the credential from text that is about to leave the process (upstream error messages). */
    public String redactFrom(String text) {
        return text == null ? null : text.replace(value, "[redacted]");
    }

    @Override
    public String toString() {
        return "Credential[***]";
    }
}
