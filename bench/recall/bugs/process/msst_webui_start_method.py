"""SUC-DriverOld/MSST-WebUI#36: webUI.py calls multiprocessing.set_start_method('spawn') at
module level (line 147): "RuntimeError: context has already been set" when the module runs again
or something set it first."""
import multiprocessing
import os

import gradio as gr

os.environ["PATH"] += os.pathsep + os.path.abspath("ffmpeg/bin")
multiprocessing.set_start_method("spawn")  # BUG: CCL304


def separate(audio_path, model_name):
    return f"separated {audio_path} with {model_name}"


with gr.Blocks() as app:
    audio = gr.Audio(type="filepath")
    model = gr.Dropdown(["bs_roformer", "mdx23c"])
    gr.Button("Separate").click(separate, [audio, model], gr.Textbox())

app.launch()
