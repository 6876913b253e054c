package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.stad.engine.image.FloatImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class HoldBackTest {

	static List<FloatImage> images(int n) {
		List<FloatImage> list = new ArrayList<>();
		for (int i = 0; i < n; i++) list.add(FloatImage.of("i" + i, 1, 1, new float[1]));
		return list;
	}

	@Test
	void holdsBackAnEvenlySpreadFractionAndKeepsOneEachWay() {
		TrainJob.Split s = TrainJob.holdBack(images(10), 0.2);
		assertEquals(List.of("i2", "i7"), s.validation().stream().map(FloatImage::name).toList());
		assertEquals(8, s.training().size());
		assertEquals(1, TrainJob.holdBack(images(2), 0.5).validation().size());
		assertEquals(1, TrainJob.holdBack(images(3), 0.05).validation().size(), "at least one validation image");
		assertEquals(1, TrainJob.holdBack(images(2), 0.49).training().size(), "at least one training image");
	}

	@Test
	void refusesWhatCannotBeSplit() {
		assertThrows(IllegalArgumentException.class, () -> TrainJob.holdBack(images(1), 0.2));
		assertThrows(IllegalArgumentException.class, () -> TrainJob.holdBack(images(5), 0));
	}
}
