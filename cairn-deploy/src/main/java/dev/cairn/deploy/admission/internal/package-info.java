/** The admission webhook's helpers: certificates made with BouncyCastle, PEM files. */
@NullMarked
package dev.cairn.deploy.admission.internal;

import org.jspecify.annotations.NullMarked;
