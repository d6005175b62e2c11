import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return f"Hello from openrun at {os.environ.get('CL_APP_PATH') or '/'}\n"
