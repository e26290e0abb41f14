"""What the numbers say: capaian per indicator, sasaran and year (kinerja), anggaran and
efficiency, the other averaging methods (sensitivity), the audit of printed values,
values that look like slips (plausibility) and one indicator in depth (drilldown)."""
