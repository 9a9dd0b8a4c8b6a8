from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "tools"

    def ready(self) -> None:
        from django.conf import settings

        from tools.registry import load_tool_modules

        load_tool_modules(settings.AWE_TOOL_MODULES)
