"""What each field of the experiment form means, said on hover over the field and its label.

Every field has one: the form looks its field up here and a missing one is a KeyError.
"""

TOOLTIPS = {
    "dataset": "What the network learns: the four rows of a truth table, generated rows or "
               "28×28 images. Changing it picks a loss that fits the data and, for data of "
               "another size, a validation split, epochs and batch size to suit it.",
    "loss": "How wrong the network is, the number training pushes down. It also decides the "
            "targets: 0/1 for cross-entropy, -1/+1 for hinge.",
    "output_activation": "The last neuron's squashing function: sigmoid gives a probability "
                         "in 0..1, tanh a value in -1..1, linear any number.",
    "optimizer": "How each step changes the weights. SGD steps straight down the slope; Adam, "
                 "RMSprop and Adagrad adapt the step for each weight.",
    "learning_rate": "How big each step is. Too small: nothing moves. Too large: the loss "
                     "jumps around or becomes NaN.",
    "momentum": "SGD only: how much of the previous step carries into the next (0 = none).",
    "epochs": "How many times training goes through all the training rows.",
    "batch_size": "How many rows are averaged for each weight update (1 = update after "
                  "every row, like seed 000).",
    "seed": "Seeds the initial weights and the shuffling: the same seed gives the same run.",
    "validation_split": "Fraction of the rows held out (the last ones, like Keras) to check "
                        "the network on data it does not train on. 0 = none (images then use "
                        "the test images as validation data, like seed 001).",
    "inputs": "How many numbers each row has, each drawn between 0 and 1. More inputs: "
              "a harder problem in more dimensions.",
    "threshold": "A row is labelled positive when its numbers add up to more than this. "
                 "Half the number of inputs splits the rows about evenly.",
    "samples": "How many rows are generated to train on (the validation rows are taken "
               "from these). More rows: a better picture of the rule, slower epochs.",
    "test_samples": "How many fresh rows are generated to test the trained network on; "
                    "changing it never changes the training rows. 0 = no test.",
    "train_size": "How many of the 60,000 training images to use, from the first one. "
                  "0 = all 60,000; fewer trains faster but learns less.",
    "test_size": "How many of the 10,000 test images to check the network on, from the "
                 "first one. 0 = all 10,000.",
    "normalize": "Divide each pixel by 255 so inputs run from 0 to 1. Off feeds raw 0-255 "
                 "pixels, which saturate the softmax into hard 0/1 answers (seed 001's bug).",
    "classes": "How many blobs of points, one class each. Two take one output neuron; more "
               "take a softmax with one output per class.",
    "noise": "How noisy the generated data is, from 0 (none) to 0.5: blobs spread into each "
             "other; the sine's points scatter around the curve.",
    "points": "Your own points as 'x1, x2, class' separated by ';'. Easier: click on the "
              "decision-boundary plot to add one, drag to move, right-click to delete.",
    "csv": "The CSV file your table comes from (File ▸ Open Data… picks it and shows what "
           "was detected).",
    "target": "The column to predict. Empty: the last column.",
    "input_columns": "The columns the network reads, separated by commas. Empty: every "
                     "numeric column except the target.",
    "table_task": "classification (the target's values are classes: words or a few whole "
                  "numbers) or regression (a number to predict). Empty: detected.",
    "test_fraction": "Share of the rows (of each class) kept aside, after a seeded shuffle, "
                     "to test the trained network on.",
    "standardize": "Shift and scale each input to mean 0, spread 1, using the training rows. "
                   "Columns of real tables range from 0.01 to thousands; without it little "
                   "learns.",
    "missing": "Rows with an empty or unreadable cell: drop them (the Data tab counts them) "
               "or refuse the file, naming the first such cell.",
    "csv_delimiter": "What separates the cells: , ; tab or |. Empty: detected.",
    "csv_decimal": "The decimal mark: . or , (as in 3,14). Empty: detected.",
    "csv_encoding": "How the text is stored: utf-8, utf-8-sig (with a BOM) or latin-1. "
                    "Empty: detected.",
    "csv_header": "Whether the first row names the columns: yes or no. Empty: detected.",
    "features": "Extra inputs computed from x1 and x2 and fed beside them. With x₁x₂, XOR "
                "becomes a straight-line problem: one neuron with no hidden layer solves it.",
    "init": "How the weights start. Glorot uniform (Keras's default) and He (for ReLU) keep "
            "signals a sensible size; small random starts near 0; zeros makes every neuron "
            "of a layer the same, and they stay the same: symmetry must be broken.",
    "l1": "Adds this rate × the sum of |w| over the kernels to the loss: pushes unneeded "
          "weights to exactly 0. 0 = off.",
    "l2": "Adds this rate × the sum of w² over the kernels to the loss: keeps weights small, "
          "a smoother boundary, less over-fitting. 0 = off.",
}
