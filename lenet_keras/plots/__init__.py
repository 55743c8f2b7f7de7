"""The course's figures, each a function that returns a matplotlib Figure: images.py (digits and
data), curves.py (training runs), mistakes.py (errors and calibration), networks.py (insides)."""

from .images import plot_digits, plot_class_balance, plot_pixel_histograms, plot_padding, plot_preparation
from .curves import plot_history, plot_runs_apart, plot_bars, plot_ablation, plot_range_test, plot_data_parallelism
from .mistakes import plot_confusion_matrix, plot_misclassified, plot_confidence, plot_reliability, plot_occlusion
from .networks import (plot_filters, plot_feature_maps, plot_connection_table, plot_rbf_codes, plot_architecture,
                       plot_filter_responses)

__all__ = ["plot_ablation", "plot_architecture", "plot_bars", "plot_class_balance", "plot_confidence", "plot_confusion_matrix", "plot_connection_table", "plot_data_parallelism", "plot_digits", "plot_feature_maps", "plot_filter_responses", "plot_filters", "plot_history", "plot_misclassified", "plot_occlusion", "plot_padding", "plot_pixel_histograms", "plot_preparation", "plot_range_test", "plot_rbf_codes", "plot_reliability", "plot_runs_apart"]
