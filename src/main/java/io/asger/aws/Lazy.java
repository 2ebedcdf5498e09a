package io.asger.aws;

import java.util.function.Supplier;

/** A client built on first use and closed with its owner. */
public final class Lazy<T extends AutoCloseable> implements Supplier<T>, AutoCloseable {

    private final Supplier<T> factory;
    private T value;

    public Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public synchronized T get() {
        if (value == null) {
            value = factory.get();
        }
        return value;
    }

    @Override
    public synchronized void close() {
        if (value != null) {
            try {
                value.close();
            } catch (Exception ignored) {
                // closing an HTTP connection pool; nothing to do about it
            }
            value = null;
        }
    }
}
