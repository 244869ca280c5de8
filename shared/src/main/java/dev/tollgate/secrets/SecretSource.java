package dev.tollgate.secrets;

/** Reads one field of a stored secret (or the whole secret when field is empty). */
public interface SecretSource {

    String read(String secretId, String field);
}
