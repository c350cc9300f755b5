package io.maestro.publish;

import io.maestro.config.PublishConfig;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals brand credentials with AES-GCM: a fresh 96-bit nonce per sealing, a 128-bit tag, and "user_id/brand" as
 * associated data so a sealed row moved to another brand or user fails to open instead of lending its tokens.
 * Thread-safe: a Cipher is made per call.
 */
public final class CredentialSealer {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  CredentialSealer(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** The sealer for publish.credentialsKey; null when no key is configured. */
  public static CredentialSealer fromConfig(MaestroConfig config) {
    String encoded = config.string(PublishConfig.CREDENTIALS_KEY).strip();
    if (encoded.isEmpty()) {
      return null;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw PublishConfig.invalid(PublishConfig.CREDENTIALS_KEY, "expected base64 of a 16, 24 or 32 byte AES key "
          + "(e.g. `openssl rand -base64 32`); the value is not base64", null);
    }
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw PublishConfig.invalid(PublishConfig.CREDENTIALS_KEY, "expected base64 of a 16, 24 or 32 byte AES key; "
          + "it decodes to " + key.length + " bytes", null);
    }
    return new CredentialSealer(key);
  }

  public byte[] seal(String userId, String brand, JsonObject secrets) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, userId, brand);
      byte[] sealed = cipher.doFinal(secrets.encode().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "could not seal credentials: " + e.getMessage());
    }
  }

  /** Fails as config_error when the row was sealed with another key (the key was changed) or was tampered with. */
  public JsonObject open(String userId, String brand, byte[] sealed) {
    try {
      if (sealed.length <= NONCE_BYTES) {
        throw new GeneralSecurityException("too short");
      }
      byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_BYTES);
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, userId, brand);
      byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "the stored credentials of brand " + brand
          + " do not open with publish.credentialsKey (was the key changed?) — set them again");
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String userId, String brand) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD((userId + "/" + brand).getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
