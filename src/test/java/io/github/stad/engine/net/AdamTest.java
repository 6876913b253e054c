package io.github.stad.engine.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Adam's update, and that a step leaves no arrays behind (a long training must not grow). */
class AdamTest {

	@Test
	void stepsKeepTheManagersSizeAndMinimiseAQuadratic() {
		Engine engine = Djl.engine();
		try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine.getEngineName())) {
			NDArray w = manager.create(new float[] { 3f, -2f });
			w.setRequiresGradient(true);
			Adam adam = new Adam(List.of(w), new OptimiserSettings(0.1f, 1e-4f), manager);
			int before = -1;
			for (int step = 0; step < 200; step++) {
				try (NDManager sub = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
					NDArray squared = w.square();
					squared.attach(sub);
					NDArray loss = squared.sum();
					collector.backward(loss);
				}
				adam.step();
				if (step == 1) before = manager.getManagedArrays().size();
			}
			assertEquals(before, manager.getManagedArrays().size(), "arrays left behind by 198 steps");
			float[] v = w.toFloatArray();
			assertTrue(Math.abs(v[0]) < 0.05 && Math.abs(v[1]) < 0.05, "minimum of |w|² reached: " + v[0] + ", " + v[1]);
		}
	}
}
