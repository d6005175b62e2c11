from shiny import App, ui

app = App(ui.page_fluid("hello"), None)
