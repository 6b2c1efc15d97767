"""Catalog data as the intake cards show it: certification choices and the Azure services list."""

from __future__ import annotations

from functools import cache

from cards.explain import certification_exams, certification_name, exams_beyond_name
from scoring.catalog import certifications, versions

# Azure "Service Level 2" workloads offered on the deployed-services step (product names, not
# translated). Users can type others; the engine decides eligibility (VM services are excluded).
AZURE_SERVICES: tuple[str, ...] = (
    "Azure AI Search",
    "Azure AI Services",
    "Azure API Management",
    "Azure App Configuration",
    "Azure App Service",
    "Azure Arc",
    "Azure Backup",
    "Azure Bastion",
    "Azure Container Apps",
    "Azure Container Instances",
    "Azure Container Registry",
    "Azure Cosmos DB",
    "Azure Data Explorer",
    "Azure Data Factory",
    "Azure Database for MySQL",
    "Azure Database for PostgreSQL",
    "Azure Databricks",
    "Azure DevOps",
    "Azure Event Grid",
    "Azure Event Hubs",
    "Azure ExpressRoute",
    "Azure Firewall",
    "Azure Front Door",
    "Azure Functions",
    "Azure IoT Hub",
    "Azure Key Vault",
    "Azure Kubernetes Service",
    "Azure Load Balancer",
    "Azure Logic Apps",
    "Azure Machine Learning",
    "Azure Monitor",
    "Azure OpenAI Service",
    "Azure Site Recovery",
    "Azure SQL Database",
    "Azure SQL Managed Instance",
    "Azure Service Bus",
    "Azure Stream Analytics",
    "Azure Synapse Analytics",
    "Azure Virtual Desktop",
    "Azure Virtual Network",
    "Azure VPN Gateway",
    "Microsoft Defender for Cloud",
    "Microsoft Fabric",
    "Microsoft Sentinel",
    "Storage",
    "Virtual Machines",
    "Virtual Machines Licenses",
)


@cache
def rule_versions() -> tuple[str, ...]:
    """Solutions Partner rule versions a user may pick instead of the one in force, oldest first."""
    return tuple(versions())


def known_services() -> list[str]:
    return list(AZURE_SERVICES)


@cache
def certification_choices(version: str | None = None) -> tuple[tuple[str, str], ...]:
    """(title, slug) for every certification of a rule version (all versions for None).

    Titles carry the exam codes ("Azure Solutions Architect Expert (AZ-305)") so a user can search
    the list by either. Retired certifications stay listed: they may still count on the date.
    """
    out: list[tuple[str, str]] = []
    for cert in certifications(version):
        exams = exams_beyond_name(cert.name, cert.exams)
        title = f"{cert.name} ({', '.join(exams)})" if exams else cert.name
        out.append((title, cert.slug))
    return tuple(sorted(out, key=lambda pair: pair[0].casefold()))


def certification_short(slug: str) -> str:
    """Exam codes when the certification has them (compact for people lists), else the name."""
    exams = [exam for exam in certification_exams(slug) if exam]
    return "+".join(exams) if exams else certification_name(slug)
