"""Deployment: container image, Teams app package (manifest + icons), Azure resources (Bicep)."""
