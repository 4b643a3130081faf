"""Annual reports (Jahresberichte) and reporting cycles: services for the partner's report and the
ministry's cycles."""
