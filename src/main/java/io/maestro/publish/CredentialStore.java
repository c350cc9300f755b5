package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Brand credentials sealed at rest. Writing merges into what is stored (a field set to "" is removed), so a brand
 * can connect one platform at a time; reading back only ever yields the masked summary.
 */
public final class CredentialStore {
  private final PublishRepository repo;
  private final CredentialSealer sealer;

  /** {@code sealer} is null when publish.credentialsKey is not set: then nothing can be stored or opened. */
  public CredentialStore(PublishRepository repo, CredentialSealer sealer) {
    this.repo = repo;
    this.sealer = sealer;
  }

  public boolean available() {
    return sealer != null;
  }

  public Future<JsonObject> save(String userId, String brand, JsonObject changes) {
    if (sealer == null) {
      return Future.failedFuture(noKey());
    }
    return repo.sealedCredentials(userId, brand).compose(existing -> {
      JsonObject values = existing.map(sealed -> sealer.open(userId, brand, sealed)).orElseGet(JsonObject::new);
      for (String field : changes.fieldNames()) {
        String value = changes.getString(field);
        if (value == null || value.isBlank()) {
          values.remove(field);
        } else {
          values.put(field, value.strip());
        }
      }
      return repo.saveCredentials(userId, brand, sealer.seal(userId, brand, values), BrandCredentials.summary(values));
    });
  }

  public Future<JsonArray> list(String userId) {
    return repo.listCredentials(userId);
  }

  public Future<Boolean> delete(String userId, String brand) {
    return repo.deleteCredentials(userId, brand);
  }

  public Future<BrandCredentials> open(String userId, String brand) {
    if (sealer == null) {
      return Future.failedFuture(noKey());
    }
    return repo.sealedCredentials(userId, brand).compose(sealed -> sealed.isEmpty()
        ? Future.failedFuture(new MaestroException(FailureCode.CONFIG_ERROR, "brand " + brand + " has no stored "
            + "credentials: set them with PUT /api/publishing/credentials/" + brand))
        : Future.succeededFuture(new BrandCredentials(brand, sealer.open(userId, brand, sealed.get()))));
  }

  public Future<List<String>> connected(String userId, String brand) {
    return repo.sealedCredentials(userId, brand).map(sealed -> sealed.isEmpty() || sealer == null ? List.<String>of()
        : BrandCredentials.connected(sealer.open(userId, brand, sealed.get())));
  }

  static MaestroException noKey() {
    return new MaestroException(FailureCode.CONFIG_ERROR, "credentials cannot be stored or used without "
        + "publish.credentialsKey (MAESTRO_PUBLISH_CREDENTIALS_KEY): set it to base64 of 32 random bytes "
        + "(openssl rand -base64 32)");
  }
}
