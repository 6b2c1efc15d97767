"""The services, offers and partner associations the scoring benches draw ACR records from (one list for
bench_scoring.py and bench_records.py, so both time the same mix)."""

SERVICES = [
    "Azure SQL Database",
    "Azure App Service",
    "Storage",
    "Virtual Machines",
    "Azure Functions",
    "Azure Kubernetes Service",
    "Azure Cosmos DB",
    "Key Vault",
    "Azure Monitor",
    "Virtual Machines Licenses",
]
OFFERS = ["Azure plan", "Azure plan", "Azure plan", "Trial", "Support"]
ASSOCIATIONS = ["CSP_T1", "CSP_T2", "DPOR", "PAL", "TPOR", "NONE"]
