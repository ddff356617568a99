"""EVV's workflows: recording punches (`punches`), reading and correcting visits
(`visits`)."""
