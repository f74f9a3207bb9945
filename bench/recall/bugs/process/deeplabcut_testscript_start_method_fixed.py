"""Fixed: the script's work, start method included, runs under the main guard."""
import multiprocessing as mp
import os

import deeplabcut


def main():
    task = "TEST"
    scorer = "Alex"
    basepath = os.path.dirname(os.path.abspath("testscript.py"))
    video = ["reachingvideo1"]
    path_config_file = deeplabcut.create_new_project(task, scorer, [os.path.join(basepath, "Reaching-Mackenzie-2018-08-30", "videos", video[0] + ".avi")], copy_videos=True)
    deeplabcut.extract_frames(path_config_file, mode="automatic", userfeedback=False)
    deeplabcut.create_training_dataset(path_config_file)
    deeplabcut.train_network(path_config_file, maxiters=5)


if __name__ == "__main__":
    mp.set_start_method("spawn")
    main()
