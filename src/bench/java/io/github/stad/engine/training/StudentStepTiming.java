package io.github.stad.engine.training;

import io.github.stad.engine.budget.StepBudget;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Student-training speed (docs/benchmarks.md, bench/student_steps.sh): seconds per optimisation step
 * of 3 students (with the teacher's targets) for each p, on 256² noise images with the shipped
 * teachers, after one warm-up run. Usage: StudentStepTiming BATCH STEPS P… (crop side: -Dcrop=N, default 128)
 * (In this package because the trainer is package-private.)
 */
public final class StudentStepTiming {
	public static void main(String[] args) throws Exception {
		int batch = Integer.parseInt(args[0]);
		int steps = Integer.parseInt(args[1]);
		List<FloatImage> images = new ArrayList<>();
		Random r = new Random(1);
		for (int i = 0; i < 4; i++) {
			float[] d = new float[256 * 256];
			for (int k = 0; k < d.length; k++) d[k] = (float) r.nextGaussian();
			images.add(new FloatImage("n" + i, 256, 256, new float[][] { d }));
		}
		for (int ai = 2; ai < args.length; ai++) {
			int p = Integer.parseInt(args[ai]);
			try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
				TeacherWeights tw = TeacherFile.defaultTeacher(p, 1);
				DescriptorNet teacher = DescriptorNet.fromWeights(tw.architecture(), tw.weights(), m, Device.cpu());
				int d = tw.architecture().descriptorDim();
				float[] mu = new float[d], sigma = new float[d];
				Arrays.fill(sigma, 1f);
				TeacherTarget scale = new TeacherTarget(teacher, mu, sigma);
				StudentSchedule s = TrainingSettings.builder().useGpu(false).crop(Integer.getInteger("crop", 128), batch).build().schedule();
				StudentTrainer.train(scale, images, s, new StepBudget.Steps(1), new long[] { 1, 2, 3 }, (msg, f) -> {}); // warm-up
				long t0 = System.nanoTime();
				StudentTrainer.Result res = StudentTrainer.train(scale, images, s, new StepBudget.Steps(steps), new long[] { 1, 2, 3 }, (msg, f) -> {});
				double sec = (System.nanoTime() - t0) / 1e9;
				int n = res.losses().get(0).length;
				System.out.printf("p=%d batch=%d steps=%d: %.2f s/step, %.3f s/crop%n", p, batch, n, sec / n, sec / n / batch);
			}
		}
	}
}
