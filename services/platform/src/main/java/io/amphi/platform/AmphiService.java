package io.amphi.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service's application class with the name of its configuration file
 * ({@code <name>.yml} and {@code <name>-<profile>.yml} on the classpath). Services started in one
 * process (the local launcher, the tests) then each read their own file, never another
 * service's {@code application.yml}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface AmphiService {

    /** The configuration file's base name, e.g. "amphi-delivery". */
    String value();
}
