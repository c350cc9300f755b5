package io.maestro.testing;

import io.vertx.sqlclient.Pool;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool that counts the statements handed to it ({@code query} and {@code preparedQuery}), so a test can state how
 * many round trips an operation costs. Everything else goes straight to the real pool.
 */
public final class CountingPool {
  private final Pool pool;
  private final AtomicLong statements = new AtomicLong();

  private CountingPool(Pool delegate) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("query") || method.getName().equals("preparedQuery")) {
        statements.incrementAndGet();
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    this.pool = (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class}, handler);
  }

  public static CountingPool wrap(Pool delegate) {
    return new CountingPool(delegate);
  }

  public Pool pool() {
    return pool;
  }

  public long statements() {
    return statements.get();
  }
}
