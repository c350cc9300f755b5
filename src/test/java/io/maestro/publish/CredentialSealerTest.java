package io.maestro.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.config.ConfigException;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CredentialSealer: AES-GCM at rest, bound to its user and brand")
class CredentialSealerTest {
  private static CredentialSealer sealer(byte[] key) {
    return CredentialSealer.fromConfig(MaestroConfig.from(new JsonObject().put("publish.credentialsKey",
        Base64.getEncoder().encodeToString(key))));
  }

  @Test
  @DisplayName("seals and opens; the token is not in the sealed bytes; two sealings differ (fresh nonce)")
  void roundTrip() {
    CredentialSealer sealer = sealer(new byte[32]);
    JsonObject secrets = new JsonObject().put("facebook_access_token", "EAAG-the-page-token");
    byte[] one = sealer.seal("u", "brand", secrets);
    byte[] two = sealer.seal("u", "brand", secrets);
    assertThat(sealer.open("u", "brand", one)).isEqualTo(secrets);
    assertThat(one).isNotEqualTo(two);
    assertThat(new String(one, StandardCharsets.ISO_8859_1)).doesNotContain("EAAG");
  }

  @Test
  @DisplayName("another brand, another user, another key or a flipped bit does not open: config_error, no token")
  void tamper() {
    CredentialSealer sealer = sealer(new byte[32]);
    byte[] sealed = sealer.seal("u", "brand", new JsonObject().put("x", "secret-value"));
    assertThatThrownBy(() -> sealer.open("u", "other", sealed)).isInstanceOf(MaestroException.class)
        .hasMessageContaining("publish.credentialsKey").hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> sealer.open("v", "brand", sealed)).isInstanceOf(MaestroException.class);
    byte[] key = new byte[32];
    key[0] = 1;
    assertThatThrownBy(() -> sealer(key).open("u", "brand", sealed)).isInstanceOf(MaestroException.class);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> sealer.open("u", "brand", sealed)).isInstanceOf(MaestroException.class);
  }

  @Test
  @DisplayName("a key that is not base64 of 16/24/32 bytes is a config error naming the key; no key → no sealer")
  void badKeys() {
    assertThatThrownBy(() -> sealer(new byte[10])).isInstanceOf(ConfigException.class)
        .hasMessageContaining("publish.credentialsKey").hasMessageContaining("10 bytes");
    assertThatThrownBy(() -> CredentialSealer.fromConfig(MaestroConfig.from(new JsonObject()
        .put("publish.credentialsKey", "not base64!")))).isInstanceOf(ConfigException.class);
    assertThat(CredentialSealer.fromConfig(MaestroConfig.from(new JsonObject()))).isNull();
  }
}
