from nicegui import ui

ui.label("hello")
ui.run(host="0.0.0.0", port=8080)
