package dev.bootline.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a lab test class (name it *LabIT so failsafe runs it). Before any test runs, root, {@code ip}, working
 * network namespaces and everything in {@link #value()} are checked: when something is missing the tests are
 * skipped with the reason, or fail with it when {@code -Dbootline.lab.required=true} (CI, {@code -Plab}).
 *
 * <p>Test methods may declare a {@link Lab} parameter: a fresh lab named after the test, closed (namespaces deleted,
 * processes killed) after the test whatever its outcome.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LabExtension.class)
public @interface LabTest {
  Requirement[] value() default {};
}
