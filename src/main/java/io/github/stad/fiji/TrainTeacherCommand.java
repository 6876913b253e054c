package io.github.stad.fiji;

import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTraining;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ArgumentChecks;
import io.github.stad.jobs.OutputGuard;
import io.github.stad.jobs.TeacherRequest;
import io.github.stad.jobs.TrainTeacherJob;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;

/**
 * Plugins › Anomaly Detection › Train Teacher…: pretrains a teacher on a folder of photographs (advanced;
 * the plugin ships default teachers). Checkpoints are written to the output file as training goes,
 * and a run can be resumed from one.
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Train Teacher...")
public class TrainTeacherCommand extends StadCommand {

	@Parameter(label = "Images folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Natural photographs (any size, gray or RGB) to sample patches from.")
	private File images_folder;

	@Parameter(label = "Patch size", choices = { "17", "33", "65" }, persist = false, description = "Receptive field of the teacher in pixels.")
	private String patch_size = "65";

	@Parameter(label = "Training mode", choices = { "dense", "patch", "colour", "distil" }, persist = false,
			description = "dense: crop pairs through the strided network, every grid point an anchor with a mined negative (many more triplets per second); "
					+ "patch: 64 single-patch triplets per iteration, needed for distillation; "
					+ "colour: teaches the shipped gray teacher of this patch size to see colour on RGB photographs (it stays the same on gray images); "
					+ "distil: every pixel of a photograph crop learns the pretrained network's feature there, from precomputed targets (targets_folder; set lambda_m to 0).")
	private String mode = TeacherSettings.defaults(65).mode().name().toLowerCase(java.util.Locale.ROOT);

	@Parameter(label = "Iterations", min = "1", persist = false, description = "Optimisation steps (patch and colour: 64 triplets each; dense: 8 crop pairs each).")
	private int iterations = 2000;

	@Parameter(label = "Distil from (TorchScript .pt)", required = false, style = FileWidget.OPEN_STYLE, persist = false,
			description = "Optional pretrained network P for knowledge distillation (lambda_k); leave empty for self-supervised training only.")
	private File distill_file;

	@Parameter(label = "Precomputed targets (distil mode)", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "The folder bench/distill/targets.py wrote for these photographs (targets.json and one .npy per image); distil mode only.")
	private File targets_folder;

	@Parameter(label = "Weight of distillation (lambda_k)", min = "0", persist = false)
	private double lambda_k = 0;

	@Parameter(label = "Weight of the triplet loss (lambda_m)", min = "0", persist = false)
	private double lambda_m = 1;

	@Parameter(label = "Weight of compactness (lambda_c)", min = "0", persist = false)
	private double lambda_c = 0.01;

	@Parameter(label = "Network width", min = "4", persist = false, description = "Channels of the network (128 as in the paper).")
	private int network_width = 128;

	@Parameter(label = "Descriptor size", min = "4", persist = false, description = "Length of the descriptor (128 as in the paper).")
	private int descriptor_size = 128;

	@Parameter(label = "Seed", persist = false)
	private int seed = 1;

	@Parameter(label = "Resume from checkpoint", required = false, style = FileWidget.OPEN_STYLE, persist = false,
			description = "A teacher file written by an earlier run with the same settings: training continues where it stopped.")
	private File resume_file;

	@Parameter(label = "Teacher file", style = FileWidget.SAVE_STYLE, persist = false, description = "Where to write the teacher (.zip); also its checkpoint.")
	private File teacher_file;

	@Parameter(label = "Overwrite existing files", persist = false,
			description = "Replace output files that exist before this run (never an input). Off: an existing file stops the command before any work.")
	private boolean overwrite;

	@Parameter(label = "Use GPU", persist = false)
	private boolean use_gpu;

	@Parameter(type = ItemIO.OUTPUT, label = "Final loss")
	private double final_loss;

	@Override
	protected String title() { return "Train Teacher"; }

	@Override
	protected void execute() throws Exception {
		if (!given(images_folder)) throw new IllegalArgumentException("Choose a folder of photographs (images_folder)");
		if (!given(teacher_file)) throw new IllegalArgumentException("Choose where to save the teacher (teacher_file)");
		TeacherRequest request = TeacherRequest.builder(ArgumentChecks.FIJI.patchSize("patch-size", patch_size), teacher_file.toPath())
				.networkSize(network_width, descriptor_size).iterations(iterations).lambdas(lambda_k, lambda_m, lambda_c).seed(seed).useGpu(use_gpu)
				.mode(TeacherSettings.Mode.parse(mode)).distill(given(distill_file) ? distill_file.getPath() : null, TeacherRequest.DEFAULT_DISTILL_INPUT_SIZE)
				.targets(given(targets_folder) ? targets_folder.toPath() : null).resume(given(resume_file) ? resume_file.toPath() : null).guard(OutputGuard.fiji(overwrite))
				.check(ArgumentChecks.FIJI) // before the photographs are listed
				.images(ImageSets.resolve(images_folder.getPath()), images_folder.getPath()).build(ArgumentChecks.FIJI);
		TeacherTraining.Result r = TrainTeacherJob.run(request, progress());
		final_loss = r.losses().get(r.losses().size() - 1)[0];
		log.info(title() + ": teacher written to " + teacher_file + " (final loss " + String.format("%.4f", final_loss) + ")");
	}
}
