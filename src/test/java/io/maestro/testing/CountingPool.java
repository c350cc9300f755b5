package io.maestro.testing;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool that counts the statements handed to it ({@code query} and {@code preparedQuery}), so a test can state how
 * many round trips an operation costs. Prepared statements run with {@code execute(Tuple)} are also recorded once
 * they succeed — SQL, parameters and rows returned — so a test can say what one statement did. Everything else goes
 * straight to the real pool.
 */
public final class CountingPool {
  /** One prepared statement that succeeded: its SQL, its parameters, and how many rows it returned. */
  public record Execution(String sql, Tuple params, int rows) {}

  private final Pool pool;
  private final AtomicLong statements = new AtomicLong();
  private final List<Execution> executions = new CopyOnWriteArrayList<>();

  private CountingPool(Pool delegate) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("query") || method.getName().equals("preparedQuery")) {
        statements.incrementAndGet();
      }
      Object result = invoke(method, delegate, args);
      if (method.getName().equals("preparedQuery") && result instanceof PreparedQuery<?> query) {
        return recording(query, (String) args[0]);
      }
      return result;
    };
    this.pool = (Pool) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[] {Pool.class}, handler);
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object recording(PreparedQuery<?> query, String sql) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object result = invoke(method, query, args);
      if (method.getName().equals("execute") && args != null && args.length == 1 && args[0] instanceof Tuple params
          && result instanceof Future<?> future) {
        future.onSuccess(rows -> executions.add(new Execution(sql, params,
            rows instanceof io.vertx.sqlclient.RowSet<?> set ? set.size()
                : rows instanceof SqlResult<?> r ? r.size() : -1)));
      }
      return result;
    };
    return Proxy.newProxyInstance(PreparedQuery.class.getClassLoader(), new Class<?>[] {PreparedQuery.class}, handler);
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

  /** The prepared statements that succeeded so far whose SQL contains {@code fragment}, in completion order. */
  public List<Execution> executions(String fragment) {
    return executions.stream().filter(e -> e.sql().contains(fragment)).toList();
  }
}
