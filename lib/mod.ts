/**
 * The attribution library for TensorFlow.js: Captum's explainers for `tf.LayersModel`s, the
 * Fashion-MNIST tutorial's data, network, trainer and metrics, and Plotly figures for Jupyter.
 *
 * Importing this module selects the fast `wasm` backend and waits until it is ready.
 *
 * @example
 * ```ts
 * import { tf } from "./mod.ts";
 * console.log(tf.getBackend()); // "wasm"
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setBackend } from "./backend/backend.ts";

export { tf };

// --- backend ---
export { BACKEND_NAMES, setBackend } from "./backend/backend.ts";
export type { BackendName } from "./backend/backend.ts";

// --- data ---
export { FASHION_MNIST_CLASSES } from "./data/fashion_mnist_classes.ts";
export type { FashionMnistClass } from "./data/fashion_mnist_classes.ts";
export {
  FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_IMAGE_SIZE,
  FASHION_MNIST_MIRROR,
} from "./data/fashion_mnist_files.ts";
export type { FashionMnistFile, FashionMnistSplitName } from "./data/fashion_mnist_files.ts";
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdxFile } from "./data/idx.ts";
export type { IdxArray, ParseIdxOptions, ReadIdxFileOptions } from "./data/idx.ts";
export { loadFashionMnist } from "./data/load_fashion_mnist.ts";
export type {
  DownloadProgress,
  FashionMnistSplit,
  LoadFashionMnistOptions,
} from "./data/load_fashion_mnist.ts";
export { sliceSplit } from "./data/slice_split.ts";
export { toTensors } from "./data/to_tensors.ts";
export type { FashionMnistTensors } from "./data/to_tensors.ts";
export { batches, numBatches } from "./data/batches.ts";
export type { Batch, BatchesOptions } from "./data/batches.ts";
export { classCounts } from "./data/class_counts.ts";

// --- models ---
export { CLASSIFIER_LAYER_NAMES, createClassifier } from "./models/classifier.ts";
export type { ClassifierLayerName, CreateClassifierOptions } from "./models/classifier.ts";

// --- training ---
export { oneHotMask, softmaxCrossEntropy } from "./training/softmax_cross_entropy.ts";
export { epochCheckpointName, trainClassifier } from "./training/train_classifier.ts";
export type {
  BatchLog,
  EpochLog,
  TrainClassifierOptions,
  TrainingHistory,
} from "./training/train_classifier.ts";
export {
  CHECKPOINT_MODEL_FILE,
  CHECKPOINT_WEIGHTS_FILE,
  directoryIOHandler,
  listCheckpoints,
  loadCheckpoint,
  loadCheckpointWeights,
  PRETRAINED_CLASSIFIER_DIR,
  saveCheckpoint,
} from "./training/checkpoint.ts";
export type { CheckpointInfo, SaveCheckpointOptions } from "./training/checkpoint.ts";
export { predictClasses } from "./training/predict_classes.ts";
export type { PredictClassesOptions } from "./training/predict_classes.ts";
export { ParallelGradients } from "./training/parallel_gradients.ts";
export type { LossAndGradients, ParallelGradientsOptions } from "./training/parallel_gradients.ts";
export { evaluateClassifier } from "./training/evaluate_classifier.ts";
export type {
  ClassifierEvaluation,
  EvaluateClassifierOptions,
} from "./training/evaluate_classifier.ts";

// --- metrics ---
export { accuracy } from "./metrics/accuracy.ts";
export { confusionMatrix } from "./metrics/confusion_matrix.ts";
export type { ConfusionMatrix } from "./metrics/confusion_matrix.ts";
export { mostConfusedPairs } from "./metrics/most_confused_pairs.ts";
export type { ConfusedPair, MostConfusedPairsOptions } from "./metrics/most_confused_pairs.ts";
export { misclassifiedIndices } from "./metrics/misclassified_indices.ts";
export type { MisclassifiedIndicesOptions } from "./metrics/misclassified_indices.ts";
export {
  classificationReport,
  formatClassificationReport,
} from "./metrics/classification_report.ts";
export type {
  ClassificationReport,
  ClassificationReportOptions,
  ClassReport,
  ClassScores,
  FormatClassificationReportOptions,
} from "./metrics/classification_report.ts";
export { infidelity } from "./metrics/infidelity.ts";
export type {
  InfidelityOptions,
  InfidelityPerturbContext,
  InfidelityPerturbFunction,
} from "./metrics/infidelity.ts";
export { sensitivityMax } from "./metrics/sensitivity_max.ts";
export type {
  ExplanationArgs,
  ExplanationFunction,
  SensitivityMaxOptions,
} from "./metrics/sensitivity_max.ts";

// --- attribution: primary ---
export { Attribution, GradientAttribution, PerturbationAttribution } from "./attr/attribution.ts";
export { APPROXIMATION_METHODS } from "./attr/types.ts";
export type {
  ApproximationMethod,
  AttributionsOf,
  AttributionWithDelta,
  Baseline,
  BaselineFunction,
  ForwardFunction,
  Inputs,
  ModelLike,
  PerInput,
  PerturbationBaseline,
  Target,
} from "./attr/types.ts";
export type {
  BaselineOptions,
  ForwardArgsOptions,
  InputBaselineOptions,
  IntegrationOptions,
  LayerInputOptions,
  NeuronOptions,
  ProgressOptions,
  SamplingOptions,
  TargetOptions,
} from "./attr/options.ts";
export { IntegratedGradients } from "./attr/integrated_gradients.ts";
export { closeAttributionWorkers, setAttributionWorkers } from "./attr/attribution_workers.ts";
export type { AttributionWorkersOptions } from "./attr/attribution_workers.ts";
export type {
  IntegratedGradientsConfig,
  IntegratedGradientsOptions,
} from "./attr/integrated_gradients.ts";
export { Saliency } from "./attr/saliency.ts";
export type { SaliencyOptions } from "./attr/saliency.ts";
export { InputXGradient } from "./attr/input_x_gradient.ts";
export type { InputXGradientOptions } from "./attr/input_x_gradient.ts";
export { GradientShap } from "./attr/gradient_shap.ts";
export type { GradientShapConfig, GradientShapOptions } from "./attr/gradient_shap.ts";
export { DeepLift } from "./attr/deep_lift.ts";
export type { DeepLiftConfig, DeepLiftOptions } from "./attr/deep_lift.ts";
export { DeepLiftShap } from "./attr/deep_lift_shap.ts";
export type { DeepLiftShapOptions } from "./attr/deep_lift_shap.ts";
export { LRP } from "./attr/lrp.ts";
export type { LrpConfig, LrpOptions } from "./attr/lrp.ts";
export {
  Alpha1Beta0Rule,
  EpsilonRule,
  GammaRule,
  IdentityRule,
  PropagationRule,
} from "./attr/lrp_rules.ts";
export type {
  Alpha1Beta0RuleOptions,
  EpsilonRuleOptions,
  GammaRuleOptions,
  LrpRules,
  RuleFunction,
} from "./attr/lrp_rules.ts";
export { ModifiedReluGradientAttribution } from "./attr/modified_relu_gradient_attribution.ts";
export { GuidedBackprop } from "./attr/guided_backprop.ts";
export type { GuidedBackpropOptions } from "./attr/guided_backprop.ts";
export { Deconvolution } from "./attr/deconvolution.ts";
export type { DeconvolutionOptions } from "./attr/deconvolution.ts";
export { NOISE_TUNNEL_TYPES, NoiseTunnel } from "./attr/noise_tunnel.ts";
export type {
  AttributeOptionsOf,
  NoiseTunnelOptions,
  NoiseTunnelOwnOptions,
  NoiseTunnelType,
} from "./attr/noise_tunnel.ts";
export type { PerturbationOptions } from "./attr/perturbation_options.ts";
export { Occlusion } from "./attr/occlusion.ts";
export type { OcclusionOptions } from "./attr/occlusion.ts";
export { FeatureAblation } from "./attr/feature_ablation.ts";
export type { FeatureAblationOptions } from "./attr/feature_ablation.ts";
export { FeaturePermutation } from "./attr/feature_permutation.ts";
export type { FeaturePermutationOptions } from "./attr/feature_permutation.ts";
export { ShapleyValueSampling } from "./attr/shapley_value_sampling.ts";
export type { ShapleyValueSamplingOptions } from "./attr/shapley_value_sampling.ts";
export { SHAPLEY_VALUES_MAX_FEATURES, ShapleyValues } from "./attr/shapley_values.ts";
export type { ShapleyValuesOptions } from "./attr/shapley_values.ts";
export { KERNEL_SHAP_INF_WEIGHT, KernelShap } from "./attr/kernel_shap.ts";
export type { KernelShapOptions } from "./attr/kernel_shap.ts";
export { LimeBase } from "./attr/lime_base.ts";
export type {
  FromInterpRepTransform,
  InterpretableFit,
  InterpretableModel,
  LimeBaseConfig,
  LimeBaseOptions,
  LimeContext,
  PerturbFunction,
  SampleRandom,
  SimilarityFunction,
  ToInterpRepTransform,
} from "./attr/lime_base.ts";
export { Lime } from "./attr/lime.ts";
export type { LimeConfig, LimeOptions } from "./attr/lime.ts";
export { gridFeatureMask } from "./attr/grid_feature_mask.ts";
export { noiseBaselines } from "./attr/noise_baselines.ts";
export type { NoiseBaselinesOptions } from "./attr/noise_baselines.ts";
export { ProductBaselines } from "./attr/product_baselines.ts";
export type {
  ProductBaselineSample,
  ProductBaselinesOptions,
  ProductBaselineValues,
} from "./attr/product_baselines.ts";
export { DataLoaderAttribution, InputRole } from "./attr/dataloader_attribution.ts";
export type {
  DataLoader,
  DataLoaderAttributionOptions,
  DataLoaderBatch,
  DataLoaderReduce,
  InputRoleValue,
} from "./attr/dataloader_attribution.ts";

// --- attribution: summaries over a dataset ---
export {
  CommonStats,
  Count,
  GeneralAccumFn,
  Max,
  Mean,
  Min,
  MSE,
  Stat,
  StdDev,
  Sum,
  Var,
} from "./attr/stat.ts";
export type {
  AccumulateFunction,
  MaxOptions,
  MinOptions,
  OrderOptions,
  StatLookup,
  StatOptions,
  StatValue,
  SumOptions,
} from "./attr/stat.ts";
export { Summarizer } from "./attr/summarizer.ts";
export type { SummarizerInput, Summary, SummaryOf } from "./attr/summarizer.ts";
export { ClassSummarizer } from "./attr/class_summarizer.ts";
export type { ClassLabel, ClassSummarizerInput, Labels } from "./attr/class_summarizer.ts";

// --- attribution: layer ---
export { LayerTap } from "./models/layer_tap.ts";
export type { LayerRef, LayerTapOptions, ModelInputs, TapResult } from "./models/layer_tap.ts";
export { INTERPOLATE_MODES, LayerAttribution } from "./attr/layer/layer_attribution.ts";
export type {
  InterpolateMode,
  LayerAttributions,
  LayerPathOptions,
} from "./attr/layer/layer_attribution.ts";
export { LayerActivation } from "./attr/layer/layer_activation.ts";
export type { LayerActivationOptions } from "./attr/layer/layer_activation.ts";
export { LayerGradientXActivation } from "./attr/layer/layer_gradient_x_activation.ts";
export type {
  LayerGradientXActivationConfig,
  LayerGradientXActivationOptions,
} from "./attr/layer/layer_gradient_x_activation.ts";
export { LayerGradCam } from "./attr/layer/layer_grad_cam.ts";
export type { LayerGradCamOptions } from "./attr/layer/layer_grad_cam.ts";
export { LayerIntegratedGradients } from "./attr/layer/layer_integrated_gradients.ts";
export type {
  LayerIntegratedGradientsConfig,
  LayerIntegratedGradientsOptions,
} from "./attr/layer/layer_integrated_gradients.ts";
export { LayerConductance } from "./attr/layer/layer_conductance.ts";
export type { LayerConductanceOptions } from "./attr/layer/layer_conductance.ts";
export { InternalInfluence } from "./attr/layer/internal_influence.ts";
export type { InternalInfluenceOptions } from "./attr/layer/internal_influence.ts";
export { GuidedGradCam } from "./attr/guided_grad_cam.ts";
export type { GuidedGradCamOptions } from "./attr/guided_grad_cam.ts";
export { LayerDeepLift } from "./attr/layer/layer_deep_lift.ts";
export type { LayerDeepLiftOptions } from "./attr/layer/layer_deep_lift.ts";
export { LayerDeepLiftShap } from "./attr/layer/layer_deep_lift_shap.ts";
export type { LayerDeepLiftShapOptions } from "./attr/layer/layer_deep_lift_shap.ts";
export { LayerLRP } from "./attr/layer/layer_lrp.ts";
export type { LayerLrpOptions } from "./attr/layer/layer_lrp.ts";
export { LayerGradientShap } from "./attr/layer/layer_gradient_shap.ts";
export type {
  LayerGradientShapConfig,
  LayerGradientShapOptions,
} from "./attr/layer/layer_gradient_shap.ts";
export { LayerFeatureAblation } from "./attr/layer/layer_feature_ablation.ts";
export type { LayerFeatureAblationOptions } from "./attr/layer/layer_feature_ablation.ts";
export { LayerFeaturePermutation } from "./attr/layer/layer_feature_permutation.ts";
export type { LayerFeaturePermutationOptions } from "./attr/layer/layer_feature_permutation.ts";
export { rankChannels } from "./attr/layer/rank_channels.ts";
export type { ChannelRank, ChannelScore, RankChannelsOptions } from "./attr/layer/rank_channels.ts";

// --- attribution: neuron ---
export { NeuronAttribution } from "./attr/neuron/neuron_attribution.ts";
export { NeuronModifiedReluAttribution } from "./attr/neuron/neuron_modified_relu_attribution.ts";
export type { NeuronSelector } from "./attr/neuron/neuron_selector.ts";
export { NeuronGradient } from "./attr/neuron/neuron_gradient.ts";
export type { NeuronGradientOptions } from "./attr/neuron/neuron_gradient.ts";
export { NeuronIntegratedGradients } from "./attr/neuron/neuron_integrated_gradients.ts";
export type {
  NeuronIntegratedGradientsConfig,
  NeuronIntegratedGradientsOptions,
} from "./attr/neuron/neuron_integrated_gradients.ts";
export { NeuronConductance } from "./attr/neuron/neuron_conductance.ts";
export type {
  NeuronConductanceConfig,
  NeuronConductanceOptions,
} from "./attr/neuron/neuron_conductance.ts";
export { NeuronGradientShap } from "./attr/neuron/neuron_gradient_shap.ts";
export type {
  NeuronGradientShapConfig,
  NeuronGradientShapOptions,
} from "./attr/neuron/neuron_gradient_shap.ts";
export { NeuronDeepLift } from "./attr/neuron/neuron_deep_lift.ts";
export type { NeuronDeepLiftOptions } from "./attr/neuron/neuron_deep_lift.ts";
export { NeuronDeepLiftShap } from "./attr/neuron/neuron_deep_lift_shap.ts";
export type { NeuronDeepLiftShapOptions } from "./attr/neuron/neuron_deep_lift_shap.ts";
export { NeuronGuidedBackprop } from "./attr/neuron/neuron_guided_backprop.ts";
export type { NeuronGuidedBackpropOptions } from "./attr/neuron/neuron_guided_backprop.ts";
export { NeuronDeconvolution } from "./attr/neuron/neuron_deconvolution.ts";
export type { NeuronDeconvolutionOptions } from "./attr/neuron/neuron_deconvolution.ts";
export { NeuronFeatureAblation } from "./attr/neuron/neuron_feature_ablation.ts";
export type { NeuronFeatureAblationOptions } from "./attr/neuron/neuron_feature_ablation.ts";

// --- visualization and display ---
export { Figure, JUPYTER_DISPLAY } from "./viz/figure.ts";
export type { FigureInit } from "./viz/figure.ts";
export type {
  FigureSpec,
  PlotlyConfig,
  PlotlyLayout,
  PlotlyTrace,
  RgbaImage,
} from "./display/figure_spec.ts";
export type { ArrayInput, NestedArray, ShapedArray, TensorLike } from "./viz/array_input.ts";
export { cumulativeSumThreshold, normalizeAttr, VISUALIZE_SIGNS } from "./viz/normalize_attr.ts";
export type { NormalizeAttrOptions, NormalizedAttr, VisualizeSign } from "./viz/normalize_attr.ts";
export { IMAGE_VISUALIZATION_METHODS, visualizeImageAttr } from "./viz/visualize_image_attr.ts";
export type {
  AttrRange,
  AttrScale,
  ImageVisualizationMethod,
  VisualizeImageAttrOptions,
} from "./viz/visualize_image_attr.ts";
export { visualizeImageAttrMultiple } from "./viz/visualize_image_attr_multiple.ts";
export {
  TIMESERIES_VISUALIZATION_METHODS,
  visualizeTimeseriesAttr,
} from "./viz/visualize_timeseries_attr.ts";
export type {
  TimeseriesVisualizationMethod,
  VisualizeTimeseriesAttrOptions,
} from "./viz/visualize_timeseries_attr.ts";
export { VisualizationDataRecord, visualizeText, wordColor } from "./viz/visualize_text.ts";
export type {
  TextClass,
  VisualizationDataRecordInit,
  VisualizeTextOptions,
} from "./viz/visualize_text.ts";
export { makeSubplots } from "./viz/make_subplots.ts";
export type {
  MakeSubplotsOptions,
  SubplotCell,
  SubplotGrid,
  SubplotTarget,
} from "./viz/make_subplots.ts";
export { COLOR_SCALE_NAMES, colorScale } from "./viz/color_scale.ts";
export type { ColorScaleInput } from "./viz/color_scale.ts";
export type {
  LabeledAttr,
  VisualizeImageAttrMultipleOptions,
} from "./viz/visualize_image_attr_multiple.ts";
export { confusionMatrixFigure } from "./viz/confusion_matrix_figure.ts";
export type { ConfusionMatrixFigureOptions } from "./viz/confusion_matrix_figure.ts";
export { trainingCurvesFigure } from "./viz/training_curves_figure.ts";
export type { TrainingCurves, TrainingCurvesFigureOptions } from "./viz/training_curves_figure.ts";
export { imageGridFigure } from "./viz/image_grid_figure.ts";
export type { ImageGridFigureOptions } from "./viz/image_grid_figure.ts";
export { classProbabilitiesFigure } from "./viz/class_probabilities_figure.ts";
export type { ClassProbabilitiesFigureOptions } from "./viz/class_probabilities_figure.ts";
export { display } from "./display/display.ts";
export { figureMimeBundle, resetPlotlyInjection } from "./display/mime_bundle.ts";
export type { FigureMimeBundleOptions, MimeBundle } from "./display/mime_bundle.ts";
export { figureHtml, writeFigureHtml } from "./display/figure_html.ts";
export type { FigureHtmlOptions } from "./display/figure_html.ts";
export { encodePng } from "./display/png.ts";
export { HtmlOutput } from "./display/html_output.ts";
export type { HtmlMimeBundle } from "./display/html_output.ts";
export { plotlyPath, plotlyVersion } from "./display/plotly_source.ts";

// --- evaluation: which explanation can we trust? ---
export type { ExplainerFunction } from "./evaluation/explainer_function.ts";
export { mapSimilarity, SIMILARITY_MEASURES } from "./evaluation/map_similarity.ts";
export type {
  MapSimilarity,
  MapSimilarityOptions,
  SimilarityMeasure,
} from "./evaluation/map_similarity.ts";
export {
  modelParameterRandomization,
  RANDOMIZATION_MODES,
} from "./evaluation/model_parameter_randomization.ts";
export type {
  ModelParameterRandomizationOptions,
  ModelParameterRandomizationResult,
  RandomizationMode,
  RandomizationStep,
} from "./evaluation/model_parameter_randomization.ts";
export { randomLogit } from "./evaluation/random_logit.ts";
export type { RandomLogitOptions, RandomLogitResult } from "./evaluation/random_logit.ts";
export { PERTURBATION_ORDERS } from "./evaluation/perturbation_curve.ts";
export type {
  DeletionCurve,
  PerturbationCurve,
  PerturbationCurveOptions,
  PerturbationOrder,
} from "./evaluation/perturbation_curve.ts";
export { deletionCurve } from "./evaluation/deletion_curve.ts";
export { insertionCurve } from "./evaluation/insertion_curve.ts";
export { faithfulnessCorrelation } from "./evaluation/faithfulness_correlation.ts";
export type { FaithfulnessCorrelationOptions } from "./evaluation/faithfulness_correlation.ts";
export { road } from "./evaluation/road.ts";
export type { RoadOptions } from "./evaluation/road.ts";
export { sparseness } from "./evaluation/sparseness.ts";
export { complexity } from "./evaluation/complexity.ts";
export { edgeDetector } from "./evaluation/edge_detector.ts";
export { compareExplainers } from "./evaluation/compare_explainers.ts";
export { tutorialExplainers } from "./evaluation/tutorial_explainers.ts";
export type { TutorialExplainersOptions } from "./evaluation/tutorial_explainers.ts";
export type {
  CompareExplainersOptions,
  ComparisonFigures,
  ExplainerComparison,
  SanityVerdict,
} from "./evaluation/compare_explainers.ts";
export { perturbationCurvesFigure } from "./viz/perturbation_curves_figure.ts";
export type {
  CurvePanel,
  PerturbationCurvesFigureOptions,
} from "./viz/perturbation_curves_figure.ts";
export { randomizationGridFigure } from "./viz/randomization_grid_figure.ts";
export type { RandomizationGridFigureOptions } from "./viz/randomization_grid_figure.ts";
export { similarityByLayerFigure } from "./viz/similarity_by_layer_figure.ts";
export type { SimilarityByLayerFigureOptions } from "./viz/similarity_by_layer_figure.ts";
export { metricTableFigure } from "./viz/metric_table_figure.ts";
export type { MetricTableFigureOptions, MetricTableRow } from "./viz/metric_table_figure.ts";

// Robustness: adversarial attacks (Captum's captum.robust).
export { FGSM } from "./robust/fgsm.ts";
export type { AttackConfig, FGSMOptions } from "./robust/fgsm.ts";
export { PGD } from "./robust/pgd.ts";
export type { PGDOptions } from "./robust/pgd.ts";
export { crossEntropyLoss, negativeLogLoss } from "./robust/losses.ts";
export type { LossFunction } from "./robust/losses.ts";
export { AttackComparator, ORIGINAL_KEY } from "./robust/attack_comparator.ts";
export type {
  AddAttackOptions,
  AttackComparatorOptions,
  AttackComparison,
  AttackMetric,
  MetricValue,
} from "./robust/attack_comparator.ts";
export { MinParamPerturbation } from "./robust/min_param_perturbation.ts";
export type {
  CorrectFunction,
  MinParamPerturbationConfig,
  MinParamPerturbationOptions,
  MinParamPerturbationResult,
} from "./robust/min_param_perturbation.ts";
export type { Attack, AttackFunction } from "./robust/_attack_call.ts";
export { accuracyUnderAttack } from "./robust/accuracy_under_attack.ts";
export type {
  AccuracyUnderAttackOptions,
  EpsilonAttack,
  RobustnessCurve,
} from "./robust/accuracy_under_attack.ts";
export { robustnessCurvesFigure } from "./viz/robustness_curves_figure.ts";
export type { RobustnessCurvesFigureOptions } from "./viz/robustness_curves_figure.ts";

// Concept-based interpretability: TCAV (Captum's captum.concept).
export { Concept } from "./concept/concept.ts";
export type { ConceptData } from "./concept/concept.ts";
export { CAV, DEFAULT_CAV_PATH, DEFAULT_MODEL_ID } from "./concept/cav.ts";
export type { CavStats } from "./concept/cav.ts";
export { DefaultClassifier } from "./concept/classifier.ts";
export type {
  Classifier,
  ClassifierStats,
  ConceptActivations,
  DefaultClassifierConfig,
  DefaultClassifierOptions,
} from "./concept/classifier.ts";
export { TCAV } from "./concept/tcav.ts";
export type {
  CAVs,
  ComputeCavsOptions,
  LayerAttributor,
  LayerAttrMethod,
  TCAVConfig,
  TCAVInterpretOptions,
  TCAVLayerScores,
  TCAVScores,
} from "./concept/tcav.ts";
export {
  significanceSets,
  TCAV_SCORE_TYPES,
  tcavSignificance,
} from "./concept/tcav_significance.ts";
export type {
  SignificanceSets,
  TCAVScoreType,
  TCAVSignificance,
  TCAVSignificanceOptions,
} from "./concept/tcav_significance.ts";
export { tcavFigure } from "./viz/tcav_figure.ts";
export type { TCAVFigureOptions } from "./viz/tcav_figure.ts";

// Data influence: which training examples drove a prediction (Captum's captum.influence).
export { TracInCP } from "./influence/tracincp.ts";
export type {
  SelfInfluenceOptions,
  TracInCPBaseOptions,
  TracInCPOptions,
  TracInInfluenceOptions,
} from "./influence/tracincp.ts";
export { TracInCPFast } from "./influence/tracincp_fast.ts";
export type { TracInCPFastOptions } from "./influence/tracincp_fast.ts";
export {
  cosineSimilarity,
  euclideanDistance,
  SimilarityInfluence,
} from "./influence/similarity_influence.ts";
export type {
  SimilarityInfluenceOptions,
  SimilarityInfluenceResult,
  SimilarityMetric,
} from "./influence/similarity_influence.ts";
export { crossEntropyLossFn } from "./influence/cross_entropy_loss_fn.ts";
export type { CrossEntropyLossFnOptions } from "./influence/cross_entropy_loss_fn.ts";
export { loadTracInCheckpoint } from "./influence/load_tracin_checkpoint.ts";
export type {
  CheckpointsLoadFunc,
  InfluenceBatch,
  InfluenceDataset,
  InfluenceLossFn,
  KMostInfluentialResults,
  LossReduction,
} from "./influence/types.ts";

await setBackend("wasm");
