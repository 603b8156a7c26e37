/**
 * The deploy gate: what an image and a target must prove before anything is applied, each refusal
 * named on its own ({@code docs/deploy.md}).
 */
@NullMarked
package dev.cairn.deploy.gate;

import org.jspecify.annotations.NullMarked;
