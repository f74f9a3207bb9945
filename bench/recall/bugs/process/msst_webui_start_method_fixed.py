"""Fixed: the start method is chosen once, by the entry point, under the main guard."""
import multiprocessing
import os

import gradio as gr


def separate(audio_path, model_name):
    return f"separated {audio_path} with {model_name}"


def build_app():
    with gr.Blocks() as app:
        audio = gr.Audio(type="filepath")
        model = gr.Dropdown(["bs_roformer", "mdx23c"])
        gr.Button("Separate").click(separate, [audio, model], gr.Textbox())
    return app


if __name__ == "__main__":
    os.environ["PATH"] += os.pathsep + os.path.abspath("ffmpeg/bin")
    multiprocessing.set_start_method("spawn")
    build_app().launch()
